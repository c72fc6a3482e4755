"""This terminal as a replica of head office: the outbox of unacknowledged events, what head office
confirmed (acked seq, pull cursor), applying pulled changes, and the sync status the cashier sees.

Everything here takes and returns plain dicts (the JSON of sync/protocol.py's models), so the core
needs no HTTP and no `sync` import: sync/client.py talks to head office and converts.
Settings kept: headoffice_url, store_id, acked_seq, pull_cursor, last_sync_at (the last successful
sync: it lifts the offline redemption cap), last_sync_error (JSON, cleared by a success).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from terminal import cards, clock as clocks
from terminal.errors import PosError
from terminal.rules import parse_rules
from terminal.services import audit, replica_bulk
from terminal.services.context import Terminal
from terminal.services.replica_members import apply_member_snapshot

__all__ = [
    "acked_seq", "apply_change", "apply_enrollment", "apply_page", "apply_member_snapshot", "apply_rules",
    "apply_terminal_key", "mark_acked", "outbox", "outbox_after", "outbox_json", "pull_cursor", "record_sync", "set_pull_cursor",
    "status",
]


def _set(t: Terminal, key: str, value: str | None) -> None:
    with t.store.write() as conn:
        if value is None:
            conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)"
                         " ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


# -- push -----------------------------------------------------------------------------------------

def acked_seq(t: Terminal) -> int:
    return int(t.store.setting("acked_seq", "0") or 0)


def outbox(t: Terminal, limit: int) -> list[dict[str, Any]]:
    """Events head office has not acknowledged, in seq order, as the wire's WireEvent dicts.
    The same event always gives the same dict (occurred_at as stored), so a resend is identical."""
    rows = t.store.conn.execute(
        "SELECT event_id, terminal_id, seq, kind, occurred_at, member_id, staff_id, payload FROM events"
        " WHERE seq > ? ORDER BY seq LIMIT ?", (acked_seq(t), limit)).fetchall()
    return [
        {"event_id": r[0], "terminal_id": r[1], "seq": r[2], "kind": r[3], "occurred_at": r[4],
         "member_id": r[5], "staff_id": r[6], "payload": json.loads(r[7])}
        for r in rows
    ]


# One event's JSON, made by SQLite (json_quote writes JSON strings, null for NULL; the payload is
# spliced in as stored), with the same fields and values as outbox()'s dict.
_EVENT_JSON = ("""'{"event_id":' || json_quote(event_id) || ',"terminal_id":' || json_quote(terminal_id)"""
               """ || ',"seq":' || seq || ',"kind":' || json_quote(kind) || ',"occurred_at":' || json_quote(occurred_at)"""
               """ || ',"member_id":' || json_quote(member_id) || ',"staff_id":' || json_quote(staff_id)"""
               """ || ',"payload":' || payload || '}'""")
_ACKED = "COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'acked_seq'), 0)"


def outbox_json(t: Terminal, limit: int) -> list[str]:
    """outbox() as JSON texts, one per event, in one range query on the events' primary key: each is
    the JSON of the dict outbox() gives (same fields, same values), written by SQLite with the
    payload spliced in as stored (a push of a long outbox spends most of the terminal's time here
    otherwise)."""
    rows = t.store.conn.execute(
        f"SELECT {_EVENT_JSON} FROM events WHERE seq > {_ACKED} ORDER BY seq LIMIT ?", (limit,)).fetchall()
    return [r[0] for r in rows]


def outbox_after(t: Terminal, after: int, limit: int) -> tuple[list[bytes], int]:
    """outbox_json() from seq `after` + 1 on (not from the acked seq), as UTF-8 bytes, and the last
    seq among them (`after` if none). The sync client reads the next batch with it while the last
    one is on its way. Bytes as SQLite holds them (CAST AS BLOB): a batch's text is not decoded
    here only to be encoded again for the request, a third of the time of reading it."""
    rows = t.store.conn.execute(
        f"SELECT seq, CAST({_EVENT_JSON} AS BLOB) FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
        (int(after), limit)).fetchall()
    return [r[1] for r in rows], (int(rows[-1][0]) if rows else int(after))


def mark_acked(t: Terminal, seq: int) -> int:
    """Head office holds this terminal's events 1..seq. Its word is the truth (if it says less than
    before, the rest is resent, harmlessly); never beyond what exists here. Returns the stored value."""
    with t.store.write() as conn:
        last = int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])
        value = max(0, min(int(seq), last))
        _set(t, "acked_seq", str(value))
    return value


# -- pull -----------------------------------------------------------------------------------------

def pull_cursor(t: Terminal) -> int:
    return int(t.store.setting("pull_cursor", "0") or 0)


def set_pull_cursor(t: Terminal, cursor: int) -> None:
    _set(t, "pull_cursor", str(int(cursor)))


def apply_page(t: Terminal, changes: list[dict[str, Any]], cursor: int,
               at: datetime | None = None) -> list[dict[str, Any]]:
    """One page of the pull feed and the cursor after it, in one transaction. A change that cannot
    be applied is skipped (rolled back alone) and returned as {id, kind, code, message}, so one bad
    change never jams the feed; its thing is fixed by its next change. Runs of plain member
    snapshots are written set-wise (replica_bulk.py), with the same outcome as one by one."""
    skipped: list[dict[str, Any]] = []
    with t.store.write() as conn:

        def one(change: dict[str, Any]) -> None:
            conn.execute("SAVEPOINT pulled_change")
            try:
                apply_change(t, change, at)
            except (PosError, KeyError, TypeError, ValueError, sqlite3.IntegrityError) as exc:
                conn.execute("ROLLBACK TO pulled_change")
                code = exc.code if isinstance(exc, PosError) else type(exc).__name__
                message = exc.message("en") if isinstance(exc, PosError) else str(exc)
                skipped.append({"id": change.get("id"), "kind": change.get("kind"), "code": code,
                                "message": message[:300]})
            conn.execute("RELEASE pulled_change")

        run: list[tuple[dict[str, Any], str]] = []
        in_run: set[str] = set()
        for change in changes:
            member_id = replica_bulk.plain_member(change)
            if member_id is None or member_id in in_run:
                replica_bulk.apply_members(t, run, at, one)
                run, in_run = [], set()
            if member_id is None:
                one(change)
            else:
                run.append((change, member_id))
                in_run.add(member_id)
        replica_bulk.apply_members(t, run, at, one)
        set_pull_cursor(t, cursor)
    return skipped


def apply_change(t: Terminal, change: dict[str, Any], at: datetime | None = None) -> None:
    """One change of the pull feed (the protocol's Change as a dict)."""
    kind = change.get("kind")
    if kind == "member" and change.get("member"):
        apply_member_snapshot(t, change["member"], at)
    elif kind == "terminal_key" and change.get("terminal_key"):
        apply_terminal_key(t, change["terminal_key"])
    elif kind == "rules" and change.get("rules"):
        apply_rules(t, change["rules"], at)
    else:
        raise PosError("input_invalid", detail=f"change {change.get('id')} of kind {kind!r} has no body")


def apply_terminal_key(t: Terminal, key: dict[str, Any]) -> None:
    """A terminal's card-signing key (key id = sha256 of the public key); revoked keys verify no
    new card, while cards this terminal already holds keep working."""
    try:
        public = bytes.fromhex(key["public_key"])
    except (KeyError, TypeError, ValueError):
        raise PosError("input_invalid", detail="terminal key is not hex") from None
    if len(public) != 32 or cards.key_id_for(public) != key.get("key_id"):
        raise PosError("input_invalid", detail=f"terminal key {key.get('key_id')!r} is not its public key's id")
    with t.store.write() as conn:
        conn.execute(
            "INSERT INTO card_keys(key_id, public_key, terminal_id, revoked) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(key_id) DO UPDATE SET terminal_id = excluded.terminal_id, revoked = excluded.revoked",
            (key["key_id"], public.hex(), key.get("terminal_id"), int(bool(key.get("revoked")))))


def apply_rules(t: Terminal, rules: dict[str, Any], at: datetime | None = None) -> bool:
    """Store and activate head office's programme version; False if it was already the active one.
    A programme that does not validate changes nothing (PosError rules_invalid)."""
    text = rules["toml"]
    programme = parse_rules(text)
    version = programme.version
    if rules.get("version") not in (None, version):
        raise PosError("rules_invalid", detail=f"version {rules.get('version')!r}, the file says {version!r}")
    current = t.store.one("SELECT r.toml FROM rules r JOIN settings s ON s.key = 'rules_version'"
                          " AND s.value = r.version WHERE r.version = ?", (version,))
    if current is not None and current["toml"] == text:
        return False
    now = t.now(at)
    with t.store.write() as conn:
        conn.execute("UPDATE rules SET active = 0")
        conn.execute(
            "INSERT INTO rules VALUES (?, ?, ?, 1) ON CONFLICT(version) DO UPDATE SET toml = excluded.toml,"
            " loaded_at = excluded.loaded_at, active = 1", (version, text, clocks.to_text(now)))
        _set(t, "rules_version", version)
        audit.record(t, None, "rules_pulled", now, version=version)
    t.forget_programme()
    return True


def apply_enrollment(t: Terminal, url: str, store_id: str, store_name: str, rules: dict[str, Any],
                     at: datetime | None = None) -> None:
    """Remember the head office this terminal now reports to. A different head office knows none of
    this terminal's events and none of its cursor: start both over."""
    with t.store.write():
        if t.store.setting("headoffice_url") != url:
            for key in ("acked_seq", "pull_cursor", "last_sync_at", "last_sync_error"):
                _set(t, key, None)
        _set(t, "headoffice_url", url)
        _set(t, "store_id", store_id)
        if store_name:
            _set(t, "store_name", store_name)
        apply_rules(t, rules, at)


# -- status ---------------------------------------------------------------------------------------

def record_sync(t: Terminal, ok: bool, now: datetime, error: dict[str, Any] | None = None) -> None:
    """A sync attempt's outcome. A success sets last_sync_at (lifting the offline cap) and clears
    the error; a failure keeps the last success and records {code, message, at}."""
    with t.store.write():
        if ok:
            _set(t, "last_sync_at", clocks.to_text(now))
            _set(t, "last_sync_error", None)
        else:
            body = {"code": "internal", "message": "", **(error or {}), "at": clocks.to_text(now)}
            _set(t, "last_sync_error", json.dumps(body, ensure_ascii=False))


def status(t: Terminal, now: datetime) -> dict[str, Any]:
    """What the cashier sees: online/offline, events waiting, the last success and its age."""
    url = t.store.setting("headoffice_url")
    acked = acked_seq(t)
    last_seq = int(t.store.scalar("SELECT COALESCE(MAX(seq), 0) FROM events"))
    last_success = t.store.setting("last_sync_at")
    error_text = t.store.setting("last_sync_error")
    last_error = json.loads(error_text) if error_text else None
    offline = t.is_offline(now)
    age = None if last_success is None else max(0, int((now - clocks.from_text(last_success)).total_seconds()))
    return {
        "enrolled": url is not None,
        "configured": url is not None,
        "headoffice_url": url,
        "online": url is not None and last_success is not None and last_error is None and not offline,
        "offline_for_redeem": offline,
        "events_waiting": max(0, last_seq - acked),
        "last_success": last_success,
        "last_success_age_s": age,
        "last_error": last_error,
        "acked_seq": acked,
        "pull_cursor": pull_cursor(t),
    }
