"""The terminal as the services see it: store, clock, programme, identity, the signed-in actor."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from terminal import auth, clock as clocks
from terminal.cards import DeviceKey
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.rules import Programme, parse_rules
from terminal.store import Store, open_store
from terminal.store.db import DB_NAME


@dataclass(frozen=True)
class Actor:
    """Who is doing this: a signed-in staff member and their role."""

    staff_id: str
    role: str
    name: str = ""


def require(actor: Actor, role: str) -> None:
    """The service-layer role check: refuses whatever the UI shows or hides."""
    if not auth.role_at_least(actor.role, role):
        raise PosError("forbidden", role=role)


@dataclass
class Terminal:
    store: Store
    clock: clocks.Clock
    _programme: Programme | None = field(default=None, repr=False)
    _rules_version: str | None = field(default=None, repr=False)
    _data_version: int | None = field(default=None, repr=False)
    _terminal_id: str | None = field(default=None, repr=False)

    # -- identity ---------------------------------------------------------------------------
    @property
    def initialized(self) -> bool:
        return self.store.setting("terminal_id") is not None

    @property
    def terminal_id(self) -> str:
        """Set once at init and never changed: read once (a sale asks for it several times)."""
        if self._terminal_id is None:
            value = self.store.setting("terminal_id")
            if value is None:
                raise PosError("not_initialized")
            self._terminal_id = value
        return self._terminal_id

    @property
    def data_dir(self) -> Path:
        """The folder the store file lives in (exports and printed cards go beside it)."""
        row = self.store.conn.execute("PRAGMA database_list").fetchone()
        return Path(row[2]).parent if row and row[2] else Path.cwd()

    @property
    def store_name(self) -> str:
        return self.store.setting("store_name", "") or ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.programme.timezone)

    def device_key(self) -> DeviceKey:
        row = self.store.setting("device_key")
        if row is None:
            raise PosError("not_initialized")
        key_id, private_hex, public_hex = row.split(":")
        return DeviceKey(key_id, bytes.fromhex(private_hex), bytes.fromhex(public_hex))

    # -- rules --------------------------------------------------------------------------------
    @property
    def programme(self) -> Programme:
        """The active rules, read again only when they may have changed: another connection
        committed (SQLite's data_version moved) or this one loaded rules (forget_programme)."""
        seen = self.store.conn.execute("PRAGMA data_version").fetchone()[0]
        if self._programme is not None and seen == self._data_version:
            return self._programme
        version = self.store.setting("rules_version")
        if version is None:
            raise PosError("not_initialized")
        if self._programme is None or version != self._rules_version:
            text = self.store.scalar("SELECT toml FROM rules WHERE version = ?", (version,))
            self._programme = parse_rules(text)
            self._rules_version = version
        self._data_version = seen
        return self._programme

    def forget_programme(self) -> None:
        """After this connection changed the rules (its own commits do not move data_version)."""
        self._programme = None

    # -- time ---------------------------------------------------------------------------------
    def now(self, at: datetime | None = None) -> datetime:
        """`at` (e.g. a paper slip's time) or the clock, in store time."""
        moment = at if at is not None else self.clock.now()
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment.astimezone(self.tz)

    # -- sync state (the offline cap) ---------------------------------------------------------
    def is_offline(self, now: datetime) -> bool:
        """Enrolled with a head office and no successful sync within the limit. A standalone
        terminal (never enrolled) has no other till to double-spend against: never offline."""
        if self.store.setting("headoffice_url") is None:
            return False
        last = self.store.setting("last_sync_at")
        if last is None:
            return True
        limit = timedelta(minutes=self.programme.redeem.offline_after_minutes)
        return now - clocks.from_text(last) > limit

    # -- events -------------------------------------------------------------------------------
    def emit(
        self,
        kind: str,
        now: datetime,
        actor: Actor | None,
        member_id: str | None,
        payload: dict[str, Any],
        event_id: str | None = None,
    ) -> str:
        """Append an event inside the current write transaction; returns its event id."""
        event_id = event_id or new_id()
        self.store.append_event(
            event_id=event_id,
            terminal_id=self.terminal_id,
            kind=kind,
            occurred_at=clocks.to_text(now),
            member_id=member_id,
            staff_id=actor.staff_id if actor else None,
            payload=payload,
        )
        return event_id


def open_terminal(data_dir: Path | str, clock: clocks.Clock | None = None) -> Terminal:
    path = Path(data_dir)
    store = open_store(path / DB_NAME) if str(data_dir) != ":memory:" else open_store(":memory:")
    return Terminal(store=store, clock=clock or clocks.SystemClock())
