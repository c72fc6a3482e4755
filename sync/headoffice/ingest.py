"""Push: a terminal's batch of events, stored once per event_id, applied, answered after commit.

All or nothing: any refusal (4xx) rolls the whole transaction back, nonce included. An event that
is well-formed but cannot be applied is stored 'quarantined' and acknowledged, so the queue moves.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from sync import protocol
from sync.headoffice import auth, settle
from sync.headoffice.apply import apply_batch
from sync.headoffice.batch import Batch
from sync.headoffice.db import Database
from sync.headoffice.problems import Refused, conflict, forbidden, invalid
from sync.headoffice.staged import Staged
from sync.headoffice.timekeys import text

_EVENT_COLUMNS = ("event_id", "terminal_id", "seq", "kind", "occurred_at", "occurred_key", "member_id",
                  "staff_id", "payload", "body_hash", "status", "reason", "received_at")
_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_string = json.JSONEncoder(ensure_ascii=False).encode


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def body_hash(ev: protocol.WireEvent) -> str:
    """The event's identity for "same id, same body": sha256 of its canonical JSON (sorted keys,
    no spaces, not ASCII-escaped) as the wire model dumps it."""
    return hashlib.sha256(canonical_json(ev.model_dump(mode="json")).encode()).hexdigest()


def _nonfinite(text: str) -> bool:
    return "NaN" in text or "Infinity" in text


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


_TIMES = TypeAdapter(list[AwareDatetime])


def texts_and_hashes(events: list[protocol.WireEvent]) -> list[tuple[str, str]]:
    """(canonical payload JSON, body_hash) of each event, exactly as canonical_json(ev.payload)
    and body_hash(ev) give them, at half the cost: the payload is encoded once and the event's
    canonical JSON assembled around it (sorted keys: event_id, kind, member_id, occurred_at,
    payload, seq, staff_id, terminal_id). The wire dump of an event is the event itself except for
    occurred_at (dumped here for the batch in one call) and non-finite floats in the payload (such
    an event takes the long way). Text no database can hold is refused here, before anything is
    written (422): a NUL character (PostgreSQL text cannot hold one; refused on SQLite too, so both
    backends answer alike), a lone surrogate (not Unicode)."""
    times = _TIMES.dump_python([ev.occurred_at for ev in events], mode="json")
    out = []
    s = _string
    for i, (ev, occurred) in enumerate(zip(events, times)):
        payload = _canonical(ev.payload)
        # NUL (JSON "\u0000") cannot be stored as text by PostgreSQL: refused on both backends
        if ("\\u0000" in payload and _has_nul(ev.payload)) or (ev.staff_id is not None and "\x00" in ev.staff_id):
            where = "payload" if _has_nul(ev.payload) else "staff_id"
            raise invalid("schema", f"events.{i}.{where}: text holds a NUL character, which cannot be stored")
        try:
            if _nonfinite(payload):
                out.append((payload, body_hash(ev)))
                continue
            whole = (f'{{"event_id":{s(ev.event_id)},"kind":{s(ev.kind)},"member_id":{s(ev.member_id)},'
                     f'"occurred_at":{s(occurred)},"payload":{payload},"seq":{int(ev.seq)},'
                     f'"staff_id":{s(ev.staff_id)},"terminal_id":{s(ev.terminal_id)}}}')
            out.append((payload, hashlib.sha256(whole.encode()).hexdigest()))
        except UnicodeEncodeError:  # a lone surrogate (JSON's "\ud800" escape) is no text: it cannot be stored
            raise invalid("schema", f"events.{i}.payload: a string holds a lone surrogate,"
                          " which is not Unicode text") from None
    return out


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
    texts = texts_and_hashes(events)  # before the transaction: it needs no database
    with db.write() as tx:
        auth.record_nonce(tx, who, now)
        acked = int(tx.scalar("SELECT acked_seq FROM terminals WHERE terminal_id = ?", (who.terminal_id,)))
        if events[0].seq > acked + 1:
            raise conflict("seq_gap", f"head office holds seqs through {acked}; this batch starts at "
                           f"{events[0].seq}, so {acked + 1}..{events[0].seq - 1} are missing")
        results = _store(tx, events, texts, acked, Batch(who.terminal_id, now))
        new_acked = max(acked, events[-1].seq)
        tx.execute("UPDATE terminals SET acked_seq = ?, last_seen_at = ? WHERE terminal_id = ?",
                   (new_acked, text(now), who.terminal_id))
    return protocol.PushResponse(acked_seq=new_acked, results=results)


def _store(tx: Any, events: list[protocol.WireEvent], texts: list[tuple[str, str]], acked: int,
           batch: Batch) -> list[protocol.EventResult]:
    """Set-wise: the held seqs and the taken ids in two queries, the fresh events applied together
    (apply.apply_batch), stored with one bulk insert, then settled once for the batch."""
    held = {r["seq"]: r for r in tx.all(
        "SELECT event_id, seq, body_hash, status, reason FROM events WHERE terminal_id = ? AND seq >= ? AND seq <= ?",
        (batch.terminal_id, events[0].seq, min(events[-1].seq, acked)))}
    fresh = [ev for ev in events if ev.seq > acked]
    if fresh:
        taken = tx.all_in("SELECT event_id, terminal_id, seq FROM events WHERE event_id IN {in}",
                          [ev.event_id for ev in fresh])
        if taken:
            first = taken[0]
            raise conflict("event_conflict", f"event_id {first['event_id']} is already stored as seq "
                           f"{first['seq']} of terminal {first['terminal_id']}")
    results: list[protocol.EventResult] = []
    for ev, (_, digest) in zip(events, texts):
        if ev.seq > acked:
            break
        old = held[ev.seq]
        if old["event_id"] != ev.event_id or old["body_hash"] != digest:
            raise conflict("event_conflict", f"seq {ev.seq} is already stored with a different "
                           + ("event_id" if old["event_id"] != ev.event_id else "body"))
        reason = old["reason"] if old["status"] == "quarantined" else None
        results.append(protocol.EventResult(event_id=ev.event_id, seq=ev.seq, status="duplicate", reason=reason))
    if not fresh:
        return results
    st = Staged(tx)
    applied = apply_batch(tx, fresh, batch, st)
    received = text(batch.now)
    rows: list[tuple[Any, ...]] = []
    result = protocol.EventResult.model_construct  # the values are the model's own: no validation needed
    for ev, (payload, digest), (status, reason) in zip(fresh, texts[len(results):], applied):
        at, at_key = st.when(ev)
        rows.append((ev.event_id, ev.terminal_id, ev.seq, ev.kind, at, at_key, ev.member_id, ev.staff_id, payload,
                     digest, status, reason, received))
        results.append(result(event_id=ev.event_id, seq=ev.seq, status=status, reason=reason))
    tx.insert_rows("events", _EVENT_COLUMNS, rows)
    settle.settle(tx, batch)
    return results
