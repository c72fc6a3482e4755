"""Push: a terminal's batch of events, stored once per event_id, applied, answered after commit.

All or nothing: any refusal (4xx) rolls the whole transaction back, nonce included. An event that
is well-formed but cannot be applied is stored 'quarantined' and acknowledged, so the queue moves.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from sync import protocol
from sync.headoffice import auth, settle
from sync.headoffice.apply import apply_event
from sync.headoffice.batch import Batch, Quarantine
from sync.headoffice.db import Database
from sync.headoffice.problems import Refused, conflict, forbidden, invalid
from sync.headoffice.timekeys import key, text

_EVENT_COLUMNS = ("event_id", "terminal_id", "seq", "kind", "occurred_at", "occurred_key", "member_id",
                  "staff_id", "payload", "body_hash", "status", "reason", "received_at")
_INSERT = (f"INSERT INTO events({', '.join(_EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(_EVENT_COLUMNS))})")


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def body_hash(ev: protocol.WireEvent) -> str:
    return hashlib.sha256(canonical_json(ev.model_dump(mode="json")).encode()).hexdigest()


def describe(exc: ValidationError) -> str:
    """The first validation error as 'where: what'."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(body)"
    return f"{where}: {first['msg']}"


def parse(body: bytes) -> protocol.PushRequest:
    """Bytes -> PushRequest, or 413 (too many events) / 422 (not JSON, or not the schema)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid("malformed_json", f"the body is not JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("events"), list) and len(data["events"]) > protocol.MAX_BATCH:
        raise Refused(413, "batch_too_large",
                      f"{len(data['events'])} events in one push; at most {protocol.MAX_BATCH}")
    try:
        return protocol.PushRequest.model_validate(data)
    except ValidationError as exc:
        raise invalid("schema", describe(exc)) from None


def push(db: Database, who: auth.Authenticated, body: bytes, now: datetime) -> protocol.PushResponse:
    req = parse(body)
    events = req.events
    for ev in events:
        if ev.terminal_id != who.terminal_id:
            raise forbidden("not_your_events", f"event seq {ev.seq} belongs to terminal {ev.terminal_id},"
                            f" not to the signing terminal {who.terminal_id}")
    for prev, ev in zip(events, events[1:]):
        if ev.seq != prev.seq + 1:
            raise conflict("seq_gap", f"seqs must be contiguous: {ev.seq} follows {prev.seq}")
    ids = [ev.event_id for ev in events]
    if len(set(ids)) != len(ids):
        raise conflict("event_conflict", "the same event_id appears twice in the batch")
    with db.write() as tx:
        auth.record_nonce(tx, who, now)
        acked = int(tx.scalar("SELECT acked_seq FROM terminals WHERE terminal_id = ?", (who.terminal_id,)))
        if events[0].seq > acked + 1:
            raise conflict("seq_gap", f"head office holds seqs through {acked}; this batch starts at "
                           f"{events[0].seq}, so {acked + 1}..{events[0].seq - 1} are missing")
        results = _store(tx, events, acked, Batch(who.terminal_id, now))
        new_acked = max(acked, events[-1].seq)
        tx.execute("UPDATE terminals SET acked_seq = ?, last_seen_at = ? WHERE terminal_id = ?",
                   (new_acked, text(now), who.terminal_id))
    return protocol.PushResponse(acked_seq=new_acked, results=results)


def _store(tx: Any, events: list[protocol.WireEvent], acked: int, batch: Batch) -> list[protocol.EventResult]:
    held = {r["seq"]: r for r in tx.all(
        "SELECT event_id, seq, body_hash, status, reason FROM events WHERE terminal_id = ? AND seq >= ? AND seq <= ?",
        (batch.terminal_id, events[0].seq, min(events[-1].seq, acked)))}
    fresh = [ev.event_id for ev in events if ev.seq > acked]
    if fresh:
        marks = ",".join("?" * len(fresh))
        taken = tx.one(f"SELECT event_id, terminal_id, seq FROM events WHERE event_id IN ({marks})", fresh)
        if taken is not None:
            raise conflict("event_conflict", f"event_id {taken['event_id']} is already stored as seq "
                           f"{taken['seq']} of terminal {taken['terminal_id']}")
    results: list[protocol.EventResult] = []
    rows: list[tuple[Any, ...]] = []
    received = text(batch.now)
    for ev in events:
        digest = body_hash(ev)
        if ev.seq <= acked:
            old = held[ev.seq]
            if old["event_id"] != ev.event_id or old["body_hash"] != digest:
                raise conflict("event_conflict", f"seq {ev.seq} is already stored with a different "
                               + ("event_id" if old["event_id"] != ev.event_id else "body"))
            reason = old["reason"] if old["status"] == "quarantined" else None
            results.append(protocol.EventResult(event_id=ev.event_id, seq=ev.seq, status="duplicate", reason=reason))
            continue
        status, reason = "stored", None
        try:
            apply_event(tx, ev, batch)
        except Quarantine as q:
            status, reason = "quarantined", q.reason
        rows.append((ev.event_id, ev.terminal_id, ev.seq, ev.kind, text(ev.occurred_at), key(ev.occurred_at),
                     ev.member_id, ev.staff_id, canonical_json(ev.payload), digest, status, reason, received))
        results.append(protocol.EventResult(event_id=ev.event_id, seq=ev.seq, status=status, reason=reason))
    tx.many(_INSERT, rows)
    if rows:
        settle.settle(tx, batch)
    return results
