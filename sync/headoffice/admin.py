"""Head office administration, as the CLI (and tests) use it: terminals, rules, conflicts, members.
What reads the projections (conflicts, members) has the projector catch up first."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from sync.headoffice import conflicts, feed, members, projector, rulesdb, snapshot
from sync.headoffice.db import Database
from sync.headoffice.timekeys import text
from terminal import phone as phones
from terminal.errors import PosError

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class AdminError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def terminals(db: Database) -> list[dict[str, Any]]:
    with db.read() as tx:
        return tx.all(
            "SELECT t.terminal_id, s.name AS store, t.store_id, t.name, t.key_id, t.enrolled_at, t.revoked_at,"
            " COALESCE(a.acked_seq, 0) AS acked_seq, a.last_seen_at FROM terminals t"
            " JOIN stores s ON s.store_id = t.store_id LEFT JOIN acks a ON a.terminal_id = t.terminal_id"
            " ORDER BY t.enrolled_at, t.terminal_id"
        )


def revoke(db: Database, terminal_id: str, now: datetime) -> dict[str, Any]:
    """Revoke a terminal: its requests are refused from now on; its key goes out in the feed
    marked revoked (cards it issued stay valid where they are known)."""
    with db.write() as tx:
        row = tx.one("SELECT revoked_at FROM terminals WHERE terminal_id = ?", (terminal_id,))
        if row is None:
            raise AdminError("terminal_not_found", f"no terminal {terminal_id}")
        if row["revoked_at"] is None:
            tx.execute("UPDATE terminals SET revoked_at = ? WHERE terminal_id = ?", (text(now), terminal_id))
            feed.append(tx, "terminal_key", terminal_id)
        revoked_at = tx.scalar("SELECT revoked_at FROM terminals WHERE terminal_id = ?", (terminal_id,))
    return {"terminal_id": terminal_id, "revoked_at": revoked_at}


def load_rules(db: Database, path: Path) -> dict[str, Any]:
    try:
        toml = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError("file_unreadable", f"{path}: {exc}") from None
    try:
        with db.write() as tx:
            version = rulesdb.load(tx, toml)
    except PosError as exc:
        raise AdminError(exc.code, str(exc)) from None
    return {"version": version, "active": True}


def conflict_list(db: Database, kind: str | None = None) -> list[dict[str, Any]]:
    if kind is not None and kind not in conflicts.KINDS:
        raise AdminError("input_invalid", f"kind is one of {', '.join(conflicts.KINDS)}")
    projector.catch_up(db)
    with db.read() as tx:
        return conflicts.listing(tx, kind)


def find(tx: Any, query: str) -> list[str]:
    """Canonical ids for a member id (or alias), a phone, or the last 4 digits."""
    q = query.strip()
    if _UUID.match(q.lower()):
        found = members.resolve(tx, q.lower())
        return [found] if found else []
    if re.fullmatch(r"[0-9]{4}", q):
        rows = tx.all("SELECT member_id FROM members WHERE phone_last4 = ? AND status <> 'merged'"
                      " ORDER BY registered_at", (q,))
        return [r["member_id"] for r in rows]
    try:
        e164 = phones.normalize(q)
    except PosError:
        raise AdminError("input_invalid", f"not a member id, phone or last 4 digits: {query!r}") from None
    row = tx.one("SELECT member_id FROM members WHERE phone = ? AND status <> 'merged'", (e164,))
    return [row["member_id"]] if row else []


def member_docs(db: Database, query: str, now: datetime) -> list[dict[str, Any]]:
    projector.catch_up(db)  # at head office's time, as the server applies them
    with db.read() as tx:
        ids = find(tx, query)
        if not ids:
            raise AdminError("member_not_found", f"no member for {query!r}")
        docs = []
        for member_id in ids:
            snap = snapshot.member(tx, member_id, 0, now)
            doc = snap.model_dump(mode="json", exclude={"includes_seq"})
            state_balance = sum(lot.remaining for lot in snap.points.lots if lot.expires_at > now)
            doc["points_balance"] = state_balance + snap.points.deficit
            doc["tier_history"] = tx.all(
                "SELECT at, from_tier, to_tier, reason FROM tier_history WHERE member_id = ? ORDER BY n", (member_id,))
            docs.append(doc)
    return docs
