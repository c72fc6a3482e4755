"""Forward compatibility of the wire: a newer head office may add fields to its replies (at any depth)
and tills already in the field go on working; head office stays strict about what it reads."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from replica_helpers import at, buy, coupon, lot, member_snapshot, points_json
from stub_headoffice import StubHeadOffice
from sync import protocol
from sync.client import SyncClient
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import replica

PHONE = "+8613912345678"
REPLIES = (protocol.EnrollResponse, protocol.EventResult, protocol.PushResponse, protocol.PointsLot,
           protocol.PointsSnapshot, protocol.SpendRecord, protocol.CouponRecord, protocol.CardRecord,
           protocol.MemberSnapshot, protocol.TerminalKey, protocol.RulesChange, protocol.Change,
           protocol.PullResponse, protocol.Health, protocol.Problem)
REQUESTS = (protocol.WireEvent, protocol.EnrollRequest, protocol.PushRequest)


def _models_in(model: type[BaseModel]) -> set[type[BaseModel]]:
    """The model and every model its fields hold, at any depth."""
    found: set[type[BaseModel]] = set()

    def walk(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp not in found:
                found.add(tp)
                for f in tp.model_fields.values():
                    walk(f.annotation)
            return
        for arg in getattr(tp, "__args__", ()) or ():
            walk(arg)

    walk(model)
    return found


def test_every_model_inside_a_reply_ignores_unknown_fields():
    inside = set().union(*(_models_in(m) for m in (protocol.EnrollResponse, protocol.PushResponse,
                                                    protocol.PullResponse, protocol.Health, protocol.Problem)))
    assert inside <= set(REPLIES)
    for model in REPLIES:
        assert model.model_config.get("extra") == "ignore", model.__name__


def test_requests_head_office_reads_stay_strict():
    event = {"event_id": new_id(), "terminal_id": new_id(), "seq": 1, "kind": "note", "occurred_at":
             "2026-11-02T09:00:00+08:00", "member_id": None, "staff_id": None, "payload": {}}
    protocol.WireEvent.model_validate(event)
    with pytest.raises(ValidationError):
        protocol.WireEvent.model_validate({**event, "future": 1})
    with pytest.raises(ValidationError):
        protocol.PushRequest.model_validate({"events": [event], "future": 1})
    with pytest.raises(ValidationError):
        protocol.EnrollRequest.model_validate({"code": "ENROLL-1", "terminal_id": new_id(), "public_key": "0" * 64,
                                               "future": True})


MAPS = ("consumed", "bonus_months")  # objects that are maps (any key is data), not models


def _with_extras(value: Any) -> Any:
    """Every JSON object of a model inside `value` gets two fields no protocol version has."""
    if isinstance(value, dict):
        return {**{k: v if k in MAPS else _with_extras(v) for k, v in value.items()},
                "x_future": {"nested": [1, 2]}, "zz_added": "新字段"}
    if isinstance(value, list):
        return [_with_extras(v) for v in value]
    return value


@pytest.fixture
def newer_office():
    """The stub head office, with unknown fields added to every object of every reply."""
    with StubHeadOffice() as stub:
        for name in ("enroll", "push", "changes"):
            original = getattr(stub, name)

            def extended(*args: Any, _original: Any = original) -> tuple[int, dict[str, Any]]:
                status, doc = _original(*args)
                return status, _with_extras(doc)

            setattr(stub, name, extended)
        yield stub


def test_a_till_syncs_with_a_head_office_that_added_fields(term, newer_office, admin, programme):
    office = newer_office
    SyncClient(term, office.url).enroll(office.code)
    assert term.store.setting("store_id") == "store-1"
    member_id = new_id()
    earned = lot(new_id(), at("2026-10-10 10:00"), 900, programme)
    snap = member_snapshot(member_id, PHONE, at("2026-10-01 09:00"), points=points_json(None, earned),
                           coupons=[coupon("CPN1X", "WELCOME", at("2026-10-01 09:00"), at("2026-12-31 23:00"))])
    office.add_change("member", snap)
    key = term.device_key()
    office.add_change("terminal_key", {"terminal_id": term.terminal_id, "key_id": key.key_id,
                                       "public_key": key.public_raw.hex(), "revoked": False})
    client = SyncClient(term)
    assert client.pull() == 2
    doc = buy(term, admin, "13912345678", at("2026-11-02 10:00"), ("general", 10000), redeem=500)
    assert doc["member"]["member_id"] == member_id and doc["points_redeemed"] == 500
    waiting = replica.status(term, term.now())["events_waiting"]
    assert waiting > 0
    assert client.push() == waiting
    assert replica.status(term, term.now())["events_waiting"] == 0


def test_a_refusal_with_added_fields_keeps_its_code_and_acked_seq(term, newer_office):
    office = newer_office
    SyncClient(term, office.url).enroll(office.code)
    office.push = lambda tid, body: (409, _with_extras({"code": "seq_gap", "reason": "newer server", "acked_seq": 0,
                                                        "hint": "resend"}))
    with pytest.raises(PosError) as exc:
        SyncClient(term)._call("POST", "/v1/events", b'{"events":[]}', protocol.PushResponse)
    assert exc.value.code == "sync_refused"
    assert exc.value.params["problem"] == "seq_gap" and exc.value.params["acked_seq"] == 0
