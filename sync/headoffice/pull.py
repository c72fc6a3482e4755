"""What a pull returns (protocol.PullResponse): one read transaction builds the snapshots of every
(kind, key) changed after the cursor, serialized in one call (the snapshots are built as plain
data: snapshot.docs).

A page is built from what the projector has applied. While stored events still wait for it, a
full page says `more` (ask again), even at the feed's end; a page that is not full, the last one,
is answered only once every event stored before its request is applied (pull.changes applies
them first if it must), so a pull that ends has seen them all, as if the projector had caught up
before its first page. A terminal catching up after a long time offline so gets the pages of what
is applied while head office applies the rest of its events, instead of after (a member changed
again later comes again on a later page, at its latest: the feed's rule); near the feed's head a
pull waits for the projector as before, so pushes that keep coming do not keep it going with
small pages. The terminal lays its own events not yet in a snapshot on top (includes_seq).

`includes_seq` is the requesting terminal's projected seq, read in the same transaction as the
projections: the snapshot holds exactly its events through that seq."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

import orjson

from sync.gc_pause import gc_paused
from sync.headoffice import feed, members, projector, rulesdb, snapshot
from sync.headoffice.db import Database

_JSON = orjson.OPT_UTC_Z  # datetimes as pydantic writes them ("Z" for UTC)


def terminal_key(tx: Any, terminal_id: str) -> dict[str, Any] | None:
    row = tx.one("SELECT terminal_id, key_id, public_key, revoked_at FROM terminals WHERE terminal_id = ?",
                 (terminal_id,))
    if row is None:
        return None
    return {"terminal_id": row["terminal_id"], "key_id": row["key_id"], "public_key": row["public_key"],
            "revoked": row["revoked_at"] is not None}


def _quarantined(tx: Any, terminal_id: str, event_ids: list[str]) -> list[dict[str, Any]]:
    rows = tx.all_in("SELECT event_id, seq, reason FROM quarantined WHERE event_id IN {in} AND terminal_id = ?",
                     event_ids, (terminal_id,))
    return [{"event_id": r["event_id"], "seq": int(r["seq"]), "status": "quarantined", "reason": r["reason"]}
            for r in sorted(rows, key=lambda r: int(r["seq"]))]


def page(tx: Any, terminal_id: str, cursor: int, limit: int, now: datetime, waiting: bool = False) -> dict[str, Any]:
    """The PullResponse document for one page, inside the caller's read transaction. `waiting`:
    stored events wait for the projector (a full page then says `more`)."""
    tx.plan_for_lookups()  # PostgreSQL: the page's member ids found by index (db.py), resolved here first
    includes = int(tx.scalar("SELECT seq FROM projected_seqs WHERE terminal_id = ?", (terminal_id,)) or 0)
    rows, more = feed.after(tx, cursor, limit)
    resolved = members.resolve_many(tx, [r["key"] for r in rows if r["kind"] == "member"])
    picked: list[tuple[int, str, str]] = []
    sent: set[tuple[str, str]] = set()
    for r in rows:
        kind, k = r["kind"], r["key"]
        if kind == "member":
            k = resolved[k] or k
        if (kind, k) not in sent:
            sent.add((kind, k))
            picked.append((int(r["last_id"]), kind, k))
    # a member key that resolves to no member row is left out
    existing = {c for c in resolved.values() if c is not None}
    wanted = [k for _, kind, k in picked if kind == "member" and k in existing]
    snaps = snapshot.docs(tx, wanted, includes, now) if wanted else {}
    out: list[dict[str, Any]] = []
    for change_id, kind, k in picked:
        if kind == "member" and k in snaps:
            out.append({"id": change_id, "kind": "member", "member": snaps[k], "terminal_key": None, "rules": None})
        elif kind == "terminal_key" and (key := terminal_key(tx, k)) is not None:
            out.append({"id": change_id, "kind": "terminal_key", "member": None, "terminal_key": key, "rules": None})
        elif kind == "rules":
            version, toml = rulesdb.active(tx)
            out.append({"id": change_id, "kind": "rules", "member": None, "terminal_key": None,
                        "rules": {"version": version, "toml": toml}})
    quarantined = _quarantined(tx, terminal_id, [k for _, kind, k in picked if kind == "quarantine"])
    return {"cursor": int(rows[-1]["last_id"]) if rows else cursor, "more": more or (waiting and len(rows) >= limit),
            "changes": out, "quarantined": quarantined}


class Built(NamedTuple):
    """A page as JSON and what it was built at."""

    body: bytes
    upto: int  # the projector's cursor: every event through this id is in it
    more: bool  # the page says `more`

    def answers(self, stored: int) -> bool:
        """Whether it may answer a request made when `stored` was the largest stored event id: a
        page that says `more` always may (the terminal asks again); the last page only if built
        with every one of those events applied."""
        return self.more or self.upto >= stored


def built(db: Database, terminal_id: str, cursor: int, limit: int, now: datetime) -> Built:
    """One page, in a read transaction of its own, from what the projector has applied."""
    with gc_paused(), db.read() as tx:
        upto = projector.applied_upto(tx)
        doc = page(tx, terminal_id, cursor, limit, now, waiting=projector.stored_upto(tx) > upto)
        body = orjson.dumps(doc, option=_JSON)
        more = bool(doc["more"])
        del doc  # freed before the collector is back (gc_pause.py)
        return Built(body, upto, more)


def stored(db: Database) -> int:
    """The largest stored event id, as a request finds it when it starts."""
    with db.read() as tx:
        return projector.stored_upto(tx)


def changes(db: Database, terminal_id: str, cursor: int, limit: int, now: datetime) -> bytes:
    """GET /v1/changes: the page built from what is applied; if that would be the last page but
    events stored before this request still wait, they are applied here first (catch_up) and the
    page built again."""
    before = stored(db)
    page_ = built(db, terminal_id, cursor, limit, now)
    if page_.answers(before):
        return page_.body
    projector.catch_up(db, now)
    return built(db, terminal_id, cursor, limit, now).body
