"""An event's canonical JSON and body hash, and reading a push body, fast.

The definitions (they never change: stored hashes must keep matching resent events):
- canonical JSON: json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"));
- body hash: sha256 of the canonical JSON of the event as the wire model dumps it (mode="json").

orjson gives the same text as json.dumps for everything but floats (exponent and non-finite
spellings) and integers beyond 64 bits (it reads those as floats, and cannot write them), so a
payload holding a float takes the standard library's way, read and written; the rest goes through
orjson. Text no database can hold is refused here (422), before anything is written: a NUL character
(PostgreSQL text cannot hold one; refused on SQLite too, so both backends answer alike), a lone
surrogate (not Unicode).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from typing import Any

import msgspec
import orjson
from pydantic import AwareDatetime, TypeAdapter, ValidationError

from sync import protocol
from sync.headoffice.problems import Refused, invalid

_canonical = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode
_string = json.JSONEncoder(ensure_ascii=False).encode
_SORTED = orjson.OPT_SORT_KEYS
_TIMES = TypeAdapter(list[AwareDatetime])


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def body_hash(ev: protocol.WireEvent) -> str:
    """The event's identity for "same id, same body" (the definition; texts_and_hashes is the fast way)."""
    return hashlib.sha256(canonical_json(ev.model_dump(mode="json")).encode()).hexdigest()


def has_float(value: Any) -> bool:
    kind = type(value)
    if kind is float:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return False
    for v in value:
        k = type(v)
        if k is float or ((k is dict or k is list) and has_float(v)):
            return True
    return False


_ANY = msgspec.json.Decoder(float_hook=float).decode  # numbers as json.loads reads them (see _typed)


def stored(text: str | bytes) -> Any:
    """A stored payload (canonical JSON) as json.loads reads it, by msgspec, which reads the very
    same (integers of any size; floats, given to float() as json.loads does) and refuses what
    json takes beyond JSON (NaN, which the standard library writes for a payload that held one):
    that is read by json."""
    try:
        return _ANY(text)
    except msgspec.DecodeError:
        return json.loads(text)


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def describe(exc: ValidationError) -> str:
    """The first validation error as 'where: what'."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(body)"
    return f"{where}: {first['msg']}"


class _Stdlib(dict):  # type: ignore[type-arg]
    """A body json.loads read (a dict subclass pydantic takes as a dict): read as exactly as it gets."""


def _stdlib(body: bytes) -> Any:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise invalid("malformed_json", f"the body is not JSON: {exc}") from None
    return _Stdlib(data) if type(data) is dict else data


class Event:
    """A pushed event as read by the fast check (_fast): the WireEvent's fields as attributes (the
    same values the model would hold); model_dump() validates the event as the model, for the
    rare path that needs the definition (body_hash)."""

    __slots__ = ("event_id", "terminal_id", "seq", "kind", "occurred_at", "member_id", "staff_id", "payload", "_raw")

    def __init__(self, raw: dict[str, Any], occurred_at: Any) -> None:
        self._raw = raw
        self.event_id = raw["event_id"]
        self.terminal_id = raw["terminal_id"]
        self.seq = raw["seq"]
        self.kind = raw["kind"]
        self.occurred_at = occurred_at
        self.member_id = raw["member_id"]
        self.staff_id = raw["staff_id"]
        self.payload = raw["payload"]

    def model_dump(self, **kw: Any) -> dict[str, Any]:
        return protocol.WireEvent.model_validate(self._raw).model_dump(**kw)


class Pushing:
    """A push body as read: `events` (Event, or protocol.WireEvent when the fast check passed it on)."""

    __slots__ = ("events",)

    def __init__(self, events: list[Any]) -> None:
        self.events = events


_KEYS = frozenset(protocol.WireEvent.model_fields)
_UUID = re.compile(protocol.UUID_PATTERN.removeprefix("^").removesuffix("$"))
_KIND = re.compile(r"[a-z][a-z_]{1,40}")
_STAFF_MAX = 64
_SEQ_MAX = 2**63  # a larger seq is left to the model


def _fast(data: Any) -> Pushing | None:
    """The push read without building a model per event, when every event is plainly the schema
    (exact types, every field present, the patterns): the events as Event, with occurred_at
    validated for the batch in one call by the model's own type. Anything else returns None and the
    model decides (lax conversions, and the same error messages as ever). Accepts nothing the model
    refuses (the checks are the model's constraints, or narrower)."""
    if not isinstance(data, dict) or len(data) != 1 or type(events := data.get("events")) is not list or not events:
        return None
    uuid, kind_re, keys = _UUID.fullmatch, _KIND.fullmatch, _KEYS
    times = []
    for e in events:
        if type(e) is not dict or e.keys() != keys:
            return None
        event_id, terminal_id, seq, kind = e["event_id"], e["terminal_id"], e["seq"], e["kind"]
        member_id, staff_id, at = e["member_id"], e["staff_id"], e["occurred_at"]
        if not (type(event_id) is str and uuid(event_id) and type(terminal_id) is str and uuid(terminal_id)
                and type(seq) is int and 1 <= seq < _SEQ_MAX and type(kind) is str and kind_re(kind)
                and (member_id is None or (type(member_id) is str and uuid(member_id)))
                and (staff_id is None or (type(staff_id) is str and len(staff_id) <= _STAFF_MAX))
                and type(e["payload"]) is dict and type(at) is str):
            return None
        times.append(at)
    try:
        moments = _TIMES.validate_python(times)
    except ValidationError:
        return None
    return Pushing([Event(e, m) for e, m in zip(events, moments)])


class Wire(msgspec.Struct, forbid_unknown_fields=True):
    """A pushed event as msgspec reads it straight from the body (_typed): WireEvent's fields, every
    one present with its exact JSON type; occurred_at is the text until _typed sets the model's
    datetime. model_dump() validates the event as the model (the rare path that needs it)."""

    event_id: str
    terminal_id: str
    seq: int
    kind: str
    occurred_at: Any
    member_id: str | None
    staff_id: str | None
    payload: dict[str, Any]

    def model_dump(self, **kw: Any) -> dict[str, Any]:
        return protocol.WireEvent.model_validate({f: getattr(self, f) for f in self.__struct_fields__}).model_dump(**kw)


class _Body(msgspec.Struct, forbid_unknown_fields=True):
    events: list[Wire]


_floats = threading.local()


def _float(text: str) -> float:
    """msgspec's float_hook: as json.loads reads a float, noting that the body holds one."""
    _floats.seen = True
    return float(text)


_DECODE = msgspec.json.Decoder(_Body, float_hook=_float).decode


def _typed(body: bytes) -> tuple[Pushing, list[bool]] | None:
    """The push read by msgspec into Wire events, with the checks of _fast (the model's constraints,
    or narrower): the fastest way, for a body that is plainly the schema. msgspec reads numbers as
    json.loads does (integers of any size, floats by float()), and refuses what json.loads takes
    beyond JSON (NaN, lone surrogates): then, and for anything not plainly the schema, None (the
    other ways decide). Which payloads hold a float is searched only if the body holds one."""
    _floats.seen = False
    try:
        events = _DECODE(body).events
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None
    if not events or len(events) > protocol.MAX_PUSH:
        return None
    uuid, kind_re = _UUID.fullmatch, _KIND.fullmatch
    for e in events:
        member_id, staff_id = e.member_id, e.staff_id
        if not (uuid(e.event_id) and uuid(e.terminal_id) and 1 <= e.seq < _SEQ_MAX and kind_re(e.kind)
                and (member_id is None or uuid(member_id)) and (staff_id is None or len(staff_id) <= _STAFF_MAX)):
            return None
    try:
        moments = _TIMES.validate_python([e.occurred_at for e in events])
    except ValidationError:
        return None
    for e, m in zip(events, moments):
        e.occurred_at = m
    floats = [has_float(e.payload) for e in events] if _floats.seen else [False] * len(events)
    return Pushing(events), floats


def _validated(data: Any) -> Pushing:
    if isinstance(data, dict) and isinstance(data.get("events"), list) and len(data["events"]) > protocol.MAX_PUSH:
        raise Refused(413, "batch_too_large", f"{len(data['events'])} events in one push; at most {protocol.MAX_PUSH}")
    fast = _fast(data)
    if fast is not None:
        return fast
    try:
        return Pushing(list(protocol.PushRequest.model_validate(data).events))
    except ValidationError as exc:
        raise invalid("schema", describe(exc)) from None


def read(body: bytes) -> tuple[Pushing, list[bool]]:
    """parse()'s events (as Wire or Event where a fast way read them: the same values), and which
    events' payloads hold a float (texts_and_hashes takes it)."""
    typed = _typed(body)
    if typed is not None:
        return typed
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = _stdlib(body)
    req = _validated(data)
    floats = [has_float(ev.payload) for ev in req.events]
    if any(floats) and not isinstance(data, _Stdlib):
        req = _validated(_stdlib(body))  # an integer beyond 64 bits reads as a float in orjson
        floats = [has_float(ev.payload) for ev in req.events]
    return req, floats


def parse(body: bytes) -> protocol.PushRequest:
    """Bytes -> PushRequest, or 413 (too many events) / 422 (not JSON, or not the schema). Read by
    orjson; what orjson reads otherwise than json.loads (NaN, lone surrogates, other encodings, and
    integers beyond 64 bits, which it turns into floats) is read again by json.loads, so the result
    is always json.loads's."""
    data = read(body)[0]
    return protocol.PushRequest.model_validate(
        {"events": [e.model_dump() if isinstance(e, (Event, Wire)) else e for e in data.events]})


def _checked_nul(i: int, ev: protocol.WireEvent, payload: str | bytes) -> None:
    nul = "\\u0000" if isinstance(payload, str) else b"\\u0000"
    if (nul in payload and has_nul(ev.payload)) or (ev.staff_id is not None and "\x00" in ev.staff_id):
        where = "payload" if has_nul(ev.payload) else "staff_id"
        raise invalid("schema", f"events.{i}.{where}: text holds a NUL character, which cannot be stored")


def _slow(i: int, ev: protocol.WireEvent, occurred: str) -> tuple[str, str]:
    """The standard library's way (floats, lone surrogates)."""
    payload = _canonical(ev.payload)
    _checked_nul(i, ev, payload)
    if "NaN" in payload or "Infinity" in payload:
        return payload, body_hash(ev)
    s = _string
    try:
        whole = (f'{{"event_id":{s(ev.event_id)},"kind":{s(ev.kind)},"member_id":{s(ev.member_id)},'
                 f'"occurred_at":{s(occurred)},"payload":{payload},"seq":{int(ev.seq)},'
                 f'"staff_id":{s(ev.staff_id)},"terminal_id":{s(ev.terminal_id)}}}')
        return payload, hashlib.sha256(whole.encode()).hexdigest()
    except UnicodeEncodeError:  # a lone surrogate (JSON's "\ud800" escape) is no text: it cannot be stored
        raise invalid("schema", f"events.{i}.payload: a string holds a lone surrogate,"
                      " which is not Unicode text") from None


def occurred_at_texts(events: list[protocol.WireEvent]) -> list[str]:
    """Each event's occurred_at as the wire model dumps it (JSON), for the batch in one call."""
    return _TIMES.dump_python([ev.occurred_at for ev in events], mode="json")


def texts_and_hashes(events: list[protocol.WireEvent], floats: list[bool] | None = None,
                     times: list[str] | None = None) -> list[tuple[str, str]]:
    """(canonical payload JSON, body_hash) of each event, exactly as canonical_json(ev.payload)
    and body_hash(ev) give them: the payload is encoded once and the event's canonical JSON
    assembled around it (keys in sorted order: event_id, kind, member_id, occurred_at, payload,
    seq, staff_id, terminal_id). occurred_at is dumped for the batch in one call. `floats`: which
    payloads hold a float (read() says), else found here; `times`: occurred_at_texts(events)."""
    times = times if times is not None else occurred_at_texts(events)
    if floats is None:
        floats = [has_float(ev.payload) for ev in events]
    out = []
    dumps, fragment, sha256 = orjson.dumps, orjson.Fragment, hashlib.sha256
    for i, (ev, occurred, slow) in enumerate(zip(events, times, floats)):
        if slow:
            out.append(_slow(i, ev, occurred))
            continue
        try:
            payload = dumps(ev.payload, option=_SORTED)
            whole = dumps({"event_id": ev.event_id, "kind": ev.kind, "member_id": ev.member_id, "occurred_at": occurred,
                           "payload": fragment(payload), "seq": ev.seq, "staff_id": ev.staff_id,
                           "terminal_id": ev.terminal_id})
        except orjson.JSONEncodeError:  # a lone surrogate, or an integer beyond 64 bits
            out.append(_slow(i, ev, occurred))
            continue
        _checked_nul(i, ev, payload)
        out.append((payload.decode(), sha256(whole).hexdigest()))
    return out
