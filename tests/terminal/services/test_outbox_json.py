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
