"""Push bodies are read without a model per event when they are plainly the schema (canonical._fast):
what it reads must be exactly what the wire model reads (same values, same canonical texts and body
hashes), and anything it does not take plainly is left to the model (same acceptance, same errors)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from ho_client import Till, at, random_phone
from sync import protocol
from sync.headoffice import canonical
from sync.headoffice.problems import Refused


def _events() -> list[dict]:
    till = Till("http://127.0.0.1:9")  # builds events only
    member = till.register(random_phone(), at(0), name="甲")
    till.sale(member, 12_345, at(1))
    till.earn(member, 120, at(1))
    till.event("note", {"f": 1.5, "big": 2**70, "s": "中文"}, member, datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc))
    till.event("note", {"x": [1, {"b": None}]}, None,
               datetime(2026, 11, 2, 2, 0, 0, 123, tzinfo=timezone(timedelta(hours=-3.5))))
    till.log[-1]["staff_id"] = None
    return till.log


def _model(events: list[dict]) -> list[protocol.WireEvent]:
    return list(protocol.PushRequest.model_validate({"events": events}).events)


def _same(read: list, model: list[protocol.WireEvent]) -> None:
    fields = protocol.WireEvent.model_fields
    assert [{f: getattr(e, f) for f in fields} for e in read] == [e.model_dump() for e in model]
    assert canonical.texts_and_hashes(read) == [(canonical.canonical_json(e.payload), canonical.body_hash(e))
                                               for e in model]


def test_a_plain_body_is_read_fast_and_exactly_as_the_model_reads_it():
    events = _events()
    data = {"events": json.loads(json.dumps(events))}
    fast = canonical._fast(data)
    assert fast is not None and all(isinstance(e, canonical.Event) for e in fast.events)
    _same(fast.events, _model(data["events"]))
    read, floats = canonical.read(json.dumps({"events": events}).encode())
    _same(read.events, _model(data["events"]))
    assert floats == [False, False, False, True, False]
    assert list(canonical.parse(json.dumps({"events": events}).encode()).events) == _model(data["events"])


@pytest.mark.parametrize("change", [
    lambda e: e.pop("member_id"),  # a default
    lambda e: e.update(seq=str(e["seq"])),  # lax conversions
    lambda e: e.update(seq=True) if e["seq"] == 1 else e.update(seq=float(e["seq"])),
    lambda e: e.update(occurred_at=e["occurred_at"].replace("+08:00", "Z")),
])
def test_what_the_fast_check_does_not_take_plainly_the_model_reads(change):
    events = _events()
    change(events[1])
    fast = canonical._fast({"events": events})
    model = _model(events)
    read, _ = canonical.read(json.dumps({"events": events}).encode())
    _same(read.events, model)
    assert fast is None or [e.seq for e in fast.events] == [e.seq for e in model]


@pytest.mark.parametrize("field, value", [
    ("event_id", "not-a-uuid"), ("event_id", "ABCDEFAB-0000-0000-0000-000000000000"), ("seq", 0),
    ("kind", "Sale"), ("kind", "x"), ("member_id", "m1"), ("staff_id", "s" * 65), ("payload", []),
    ("occurred_at", "2026-11-02T10:00:00"), ("occurred_at", "yesterday"), ("extra", 1),
    ("terminal_id", "0e2f5c2a-0000-0000-0000-000000000000\n"),
])
def test_what_the_model_refuses_is_refused_with_the_models_reason(field, value):
    events = _events()
    events[2][field] = value
    with pytest.raises(Exception) as model_error:
        _model(events)
    with pytest.raises(Refused) as err:
        canonical.read(json.dumps({"events": events}).encode())
    assert err.value.status == 422 and err.value.code == "schema"
    assert err.value.reason == canonical.describe(model_error.value)



def test_msgspec_reads_a_plain_body_exactly_as_the_model_reads_it():
    events = _events()
    body = json.dumps({"events": events}).encode()
    typed = canonical._typed(body)
    assert typed is not None and all(isinstance(e, canonical.Wire) for e in typed[0].events)
    _same(typed[0].events, _model(json.loads(body)["events"]))
    assert typed[1] == [False, False, False, True, False]  # the payload with 1.5 and 2**70
    plain = json.dumps({"events": events[:3]}).encode()
    assert canonical._typed(plain)[1] == [False, False, False]


@pytest.mark.parametrize("body", [
    b'{"events": [{"payload": {"x": NaN}}]}',
    b'{"events": []}',
    b'{"events": [], "more": 1}',
    b'[1, 2]',
    b'{"events": [nope',
])
def test_what_msgspec_does_not_take_plainly_is_left_to_the_other_ways(body):
    assert canonical._typed(body) is None


texts = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=6)  # NUL: a 422
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=10)


@given(st.dictionaries(texts, json_values, max_size=4))
def test_any_payload_gets_the_definitions_text_and_hash(payload):
    events = _events()[:2]
    events[1]["payload"] = payload
    body = json.dumps({"events": events}, ensure_ascii=bool(len(payload) % 2)).encode()
    read, floats = canonical.read(body)
    model = _model(json.loads(body)["events"])
    assert canonical.texts_and_hashes(read.events, floats) == [
        (canonical.canonical_json(e.payload), canonical.body_hash(e)) for e in model]


stored_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,  # NaN and infinities: json writes them
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=10)


@given(stored_values)
def test_a_stored_payload_reads_back_as_json_reads_it(value):
    """The projector and the pulls read stored payloads with canonical.stored: the same values, of
    the same types (an integer beyond 64 bits stays an int, 1.0 stays a float, NaN reads back)."""
    text = canonical.canonical_json(value)
    want = repr(json.loads(text))
    assert repr(canonical.stored(text)) == want
    assert repr(canonical.stored(text.encode())) == want
