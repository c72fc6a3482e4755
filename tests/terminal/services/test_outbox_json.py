"""The push body's events as JSON texts (replica.outbox_json, the payload spliced in as stored):
each is the JSON of the dict replica.outbox() gives, field for field."""

from __future__ import annotations

import json

from storetime import at
from terminal.services import replica

from svc_helpers import buy, register


def test_outbox_json_is_the_outbox_as_json(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"), name="张伟 \"引号\" \\ 反斜杠")
    buy(term, admin, member, at("2026-11-02 10:00"), ("general", 12345))
    buy(term, admin, None, at("2026-11-02 10:05"), ("fresh", 990))
    for limit in (1, 3, 100):
        assert [json.loads(text) for text in replica.outbox_json(term, limit)] == replica.outbox(term, limit)
    replica.mark_acked(term, 2)
    assert [json.loads(text) for text in replica.outbox_json(term, 100)] == replica.outbox(term, 100)
    assert any(e["member_id"] is None for e in replica.outbox(term, 100))  # None travels as null


def test_outbox_after_is_the_outbox_as_utf8_json_from_a_seq_on(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"), name="张伟 \"引号\" \\ 反斜杠")
    buy(term, admin, member, at("2026-11-02 10:00"), ("general", 12345))
    everything = replica.outbox(term, 100)
    for after in (0, 1, len(everything) - 1):
        batch, last = replica.outbox_after(term, after, 2)
        assert all(isinstance(item, bytes) for item in batch)
        assert [json.loads(item.decode("utf-8")) for item in batch] == everything[after:after + 2]
        assert last == everything[after:after + 2][-1]["seq"]
    assert replica.outbox_after(term, len(everything), 2) == ([], len(everything))
