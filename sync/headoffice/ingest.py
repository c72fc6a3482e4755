"""Push: a terminal's batch of events, checked and stored once per event_id, answered after commit.

All or nothing: any refusal (4xx) rolls the whole transaction back, nonce included. Fresh events are
stored with status 'stored'; the projector (projector.py) applies them after the reply, in arrival
order, and records the ones it cannot apply in `quarantined` (well-formed, acknowledged all the
same, so the queue moves). A push writes events, nonces and its terminal's acked seq (acks), no
table the projector writes: on SQLite they are in a file of their own (db.write(only="ingest")),
on PostgreSQL pushes take a lock of their own (PUSH_LOCK), so the projector's work never waits on
them nor they on it. Either way one push at a time stores events, so events.id follows commit
order, which is the order the projector applies them in.

A push is two steps: prepare() reads and checks the body and makes the rows, with no database (in a
push worker process while tills push at once: push_workers.py); store() is the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from sync import protocol
from sync.gc_pause import gc_paused
from sync.headoffice import auth
from sync.headoffice.canonical import (body_hash, canonical_json, describe, occurred_at_texts, parse, read,
                                       texts_and_hashes)
from sync.headoffice.db import PUSH_LOCK, Database
from sync.headoffice.problems import Refused, conflict, forbidden
from sync.headoffice.timekeys import text, text_and_key

__all__ = ["Pushed", "body_hash", "canonical_json", "describe", "parse", "push", "texts_and_hashes"]

EVENT_COLUMNS = ("event_id", "terminal_id", "seq", "kind", "occurred_at", "occurred_key", "member_id",
                 "staff_id", "payload", "body_hash", "status", "reason", "received_at")
EVENT_TYPES = ("text", "text", "bigint", "text", "text", "text", "text", "text", "text", "text", "text", "text",
               "text")  # Prepared.rows' values: str (or None), and seq an int


_RESULT = b'{"event_id":"%s","seq":%d,"status":"%s","reason":null}'


@dataclass(frozen=True)
class Pushed:
    """A push's reply: acked_seq and (event_id, seq, status, reason) per event, as JSON in one call."""

    acked_seq: int
    rows: list[tuple[str, int, str, str | None]]

    def json(self) -> bytes:
        """orjson.dumps of {"acked_seq", "results": [{event_id, seq, status, reason}]}; a result
        without a reason written from a template (event ids are UUIDs: no escaping)."""
        parts = [_RESULT % (e.encode(), s, st.encode()) if r is None
                 else orjson.dumps({"event_id": e, "seq": s, "status": st, "reason": r}) for e, s, st, r in self.rows]
        return b'{"acked_seq":%d,"results":[%s]}' % (self.acked_seq, b",".join(parts))

    @property
    def results(self) -> list[protocol.EventResult]:
        return [protocol.EventResult(event_id=e, seq=s, status=st, reason=r) for e, s, st, r in self.rows]  # type: ignore[arg-type]


def seq_gap(acked: int, first: int) -> Refused:
    refused = conflict("seq_gap", f"head office holds seqs through {acked}; this batch starts at {first}, so"
                       f" {acked + 1}..{first - 1} are missing: resend from {acked + 1}")
    refused.extra["acked_seq"] = acked
    return refused


@dataclass(frozen=True)
class Prepared:
    """A push body read and checked, with no database (prepare()): its events rows
    (EVENT_COLUMNS), ready to store. Plain data: a push worker process (push_workers.py) makes it
    and the server stores it."""

    rows: list[tuple[Any, ...]]

    @property
    def events(self) -> list[tuple[str, int, str]]:
        """(event_id, seq, body_hash) of each event."""
        return [(r[0], r[2], r[9]) for r in self.rows]


def prepare(terminal_id: str, body: bytes, now: datetime) -> Prepared:
    """Everything a push checks before its transaction: the body is the schema (422, 413), the
    events are the signing terminal's (403), contiguous and each once (409); and their canonical
    payloads, body hashes and rows."""
    with gc_paused():  # thousands of parsed events, freed by reference counting (gc_pause.py)
        return _prepare(terminal_id, body, now)


def _prepare(terminal_id: str, body: bytes, now: datetime) -> Prepared:
    req, floats = read(body)
    events = req.events
    for ev in events:
        if ev.terminal_id != terminal_id:
            raise forbidden("not_your_events", f"event seq {ev.seq} belongs to terminal {ev.terminal_id},"
                            f" not to the signing terminal {terminal_id}")
    for prev, ev in zip(events, events[1:]):
        if ev.seq != prev.seq + 1:
            raise conflict("seq_gap", f"seqs must be contiguous: {ev.seq} follows {prev.seq}")
    if len({ev.event_id for ev in events}) != len(events):
        raise conflict("event_conflict", "the same event_id appears twice in the batch")
    times = occurred_at_texts(events)
    texts = texts_and_hashes(events, floats, times)
    received = text(now)
    return Prepared([
        (ev.event_id, ev.terminal_id, ev.seq, ev.kind, *text_and_key(dumped, ev.occurred_at), ev.member_id,
         ev.staff_id, payload, digest, "stored", None, received)
        for ev, (payload, digest), dumped in zip(events, texts, times)])


def push(db: Database, who: auth.Authenticated, body: bytes, now: datetime) -> Pushed:
    return store(db, who, prepare(who.terminal_id, body, now), now)


def store(db: Database, who: auth.Authenticated, prepared: Prepared, now: datetime) -> Pushed:
    """The push's transaction: its nonce, the events head office holds already (resent: each the
    same event), the fresh ones stored, the acked seq; answered after commit."""
    events = prepared.events
    try:
        with gc_paused(), db.write(lock=PUSH_LOCK, only="ingest") as tx:
            auth.record_nonce(tx, who, now)
            acked = int(tx.scalar("SELECT acked_seq FROM acks WHERE terminal_id = ?", (who.terminal_id,)) or 0)
            if events[0][1] > acked + 1:
                raise seq_gap(acked, events[0][1])
            rows = _resent(tx, who.terminal_id, events, acked)
            if len(rows) < len(events):
                tx.insert_rows("events", EVENT_COLUMNS, prepared.rows[len(rows):], types=EVENT_TYPES)
            new_acked = max(acked, events[-1][1])
            tx.execute("INSERT INTO acks(terminal_id, acked_seq, last_seen_at) VALUES (?, ?, ?) ON CONFLICT"
                       " (terminal_id) DO UPDATE SET acked_seq = excluded.acked_seq, last_seen_at = excluded.last_seen_at",
                       (who.terminal_id, new_acked, text(now)))
    except db.integrity_errors:  # rolled back: an event_id is held by another event (the only unique key left)
        raise _taken(db, who.terminal_id, events) from None
    rows.extend((event_id, seq, "stored", None) for event_id, seq, _ in events[len(rows):])
    return Pushed(new_acked, rows)


def _resent(tx: Any, terminal_id: str, events: list[tuple[str, int, str]],
            acked: int) -> list[tuple[str, int, str, str | None]]:
    """The batch's events head office holds already (seq <= acked): each must be the same event,
    same body (409 otherwise); they are 'duplicate', with the quarantine reason if there is one."""
    if events[0][1] > acked:
        return []
    held = {r[0]: r for r in tx.tuples(
        "SELECT e.seq, e.event_id, e.body_hash, q.event_id, q.reason FROM events e"
        " LEFT JOIN quarantined q ON q.event_id = e.event_id"
        " WHERE e.terminal_id = ? AND e.seq >= ? AND e.seq <= ?",
        (terminal_id, events[0][1], min(events[-1][1], acked)))}
    out: list[tuple[str, int, str, str | None]] = []
    for event_id, seq, digest in events:
        if seq > acked:
            break
        _, held_id, old_digest, quarantined, reason = held[seq]
        if held_id != event_id or old_digest != digest:
            raise conflict("event_conflict", f"seq {seq} is already stored with a different "
                           + ("event_id" if held_id != event_id else "body"))
        out.append((event_id, seq, "duplicate", reason if quarantined is not None else None))
    return out


def _taken(db: Database, terminal_id: str, events: list[tuple[str, int, str]]) -> Refused:
    """The 409 for a push whose insert broke a unique index: which event_id is held elsewhere."""
    with db.read() as tx:
        taken = tx.tuples_in("SELECT event_id, terminal_id, seq FROM events WHERE event_id IN {in}"
                             " ORDER BY terminal_id, seq", [event_id for event_id, _, _ in events])
    mine = {(event_id, terminal_id, seq) for event_id, seq, _ in events}
    for event_id, holder, seq in taken:
        if (event_id, holder, int(seq)) not in mine:
            return conflict("event_conflict", f"event_id {event_id} is already stored as seq {seq} of terminal"
                            f" {holder}")
    return conflict("event_conflict", "an event of this batch is already stored with another event_id or seq")
