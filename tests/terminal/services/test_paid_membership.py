"""Paid membership (付费会员): the gold discount from the purchase on, renewal before expiry extends,
the member is back at the earned tier when it lapses, the earned tier keeps moving underneath, a
disabled programme refuses, and who may sell it."""

from __future__ import annotations

import json

import pytest

from storetime import at
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.receipt import render
from terminal.rules import default_rules_text
from terminal.services import audit, checkout, members, membership, privacy, setup
from terminal.services.context import Actor

from svc_helpers import buy, event_count, register

TUESDAY = "2026-11-03 10:00"  # no campaign multiplier


def _view(term, member, when):
    return members.view(term, member, at(when))


def test_buying_gives_the_gold_discount_at_once(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    cart = (CartLine("general", 10_000),)
    before = checkout.quote(term, cashier, checkout.SaleRequest(cart, member), at(TUESDAY))
    assert before["member"]["tier_before"] == "regular" and before["tier_discount_fen"] == 0
    result = membership.buy(term, cashier, "5678", "wechat", at("2026-11-02 10:00"))
    doc = result.document
    assert (doc["tier"], doc["fee_fen"], doc["pay_method"], doc["renewal"]) == ("gold", 19_900, "wechat", False)
    assert doc["starts_at"].startswith("2026-11-02T10:00") and doc["ends_at"].startswith("2027-11-02T10:00")
    assert doc["served_tier"] == "gold" and doc["earned_tier"] == "regular"
    (payload,) = [json.loads(r[0]) for r in term.store.conn.execute(
        "SELECT payload FROM events WHERE kind = 'membership_purchased'")]
    assert payload == {"tier": "gold", "fee_fen": 19_900, "pay_method": "wechat", "starts_at": doc["starts_at"],
                       "ends_at": doc["ends_at"]}
    assert "membership_purchased" in [r[0] for r in term.store.conn.execute("SELECT action FROM audit")]
    assert audit.verify(term) == (True, None)

    view = _view(term, member, "2026-11-02 11:00")
    assert (view["tier"], view["earned_tier"], view["paid_tier"]) == ("gold", "regular", "gold")
    assert view["paid_until"] == doc["ends_at"] and view["tier_since"] == doc["starts_at"]
    assert view["next_tier"] == "diamond" and view["at_risk"] is False and view["next_anniversary"] is None
    assert view["qualifying_fen"] == 0  # the fee is not a purchase
    sale = buy(term, cashier, member, at(TUESDAY), ("general", 10_000))
    assert sale["member"]["tier_before"] == "gold" and sale["member"]["paid_until"] == doc["ends_at"]
    assert sale["tier_discount_fen"] == 1_000 and sale["payable_fen"] == 9_000
    assert sale["points_earned"] == 135  # 90.00 x1.5
    assert "付费会员有效期至" in render(sale) and "2027-11-02" in render(sale)


def test_renewal_before_expiry_extends_from_the_current_end(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    first = membership.buy(term, cashier, member, at=at("2026-11-02 10:00")).document
    renewed = membership.buy(term, cashier, member, at=at("2027-10-01 15:00")).document
    assert renewed["renewal"] is True
    assert renewed["starts_at"] == first["ends_at"] and renewed["ends_at"].startswith("2028-11-02T10:00")
    assert renewed["paid_until"] == renewed["ends_at"]
    shown = membership.show(term, member, at("2027-10-01 16:00"))
    assert [g["status"] for g in shown["grants"]] == ["active", "ahead"]
    assert _view(term, member, "2028-06-01 10:00")["tier"] == "gold"  # in the renewed year
    assert _view(term, member, "2028-06-01 10:00")["tier_since"] == first["starts_at"]  # unbroken since
    assert _view(term, member, "2028-11-02 10:00")["tier"] == "regular"


def test_lapse_returns_to_the_earned_tier_without_an_event(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    membership.buy(term, cashier, member, at=at("2026-11-02 10:00"))
    events = event_count(term)
    assert _view(term, member, "2027-11-02 09:59")["tier"] == "gold"
    lapsed = _view(term, member, "2027-11-02 10:00")  # ends_at is exclusive
    assert (lapsed["tier"], lapsed["paid_tier"], lapsed["paid_until"]) == ("regular", None, None)
    quote = checkout.quote(term, cashier, checkout.SaleRequest((CartLine("general", 10_000),), member),
                           at("2027-11-03 10:00"))
    assert quote["tier_discount_fen"] == 0 and quote["member"]["paid_until"] is None
    assert event_count(term) == events
    again = membership.buy(term, cashier, member, at=at("2027-12-01 10:00")).document
    assert again["renewal"] is False and again["starts_at"].startswith("2027-12-01T10:00")


def test_the_earned_tier_moves_underneath_the_paid_one(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    membership.buy(term, cashier, member, at=at("2026-11-02 10:00"))
    sale = buy(term, cashier, member, at(TUESDAY), ("general", 250_000))  # earned: regular -> silver
    assert sale["member"]["tier_before"] == sale["member"]["tier_after"] == "gold"
    assert sale["tier_changed"] is False and sale["tier_discount_fen"] == 25_000
    changes = [json.loads(r[0]) for r in term.store.conn.execute(
        "SELECT payload FROM events WHERE kind = 'tier_changed'")]
    assert [(c["from"], c["to"]) for c in changes] == [("regular", "silver")]
    assert term.store.scalar("SELECT tier FROM members WHERE member_id = ?", (member,)) == "silver"
    view = _view(term, member, "2026-11-04 10:00")
    assert (view["tier"], view["earned_tier"]) == ("gold", "silver")
    assert _view(term, member, "2027-11-02 10:00")["tier"] == "silver"  # lapsed: the earned tier


def test_a_grant_never_lowers_an_earned_tier(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    buy(term, cashier, member, at(TUESDAY), ("general", 5_000_000))  # earned diamond
    membership.buy(term, cashier, member, at=at("2026-11-04 10:00"))
    view = _view(term, member, "2026-11-05 10:00")
    assert (view["tier"], view["earned_tier"], view["paid_tier"]) == ("diamond", "diamond", "gold")
    assert view["tier_since"].startswith("2026-11-03")


def test_disabled_programme_refuses(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    text = default_rules_text().replace('version = "default-2026.1"', 'version = "no-paid"').replace(
        "[paid_membership]                   # 付费会员: an annual fee grants a tier for a year\nenabled = true",
        "[paid_membership]\nenabled = false")
    setup.load_rules(term, admin, text, at("2026-11-02 09:30"))
    assert term.programme.paid_membership.enabled is False
    events = event_count(term)
    with pytest.raises(PosError) as exc:
        membership.buy(term, admin, member, at=at("2026-11-02 10:00"))
    assert exc.value.code == "membership_disabled" and event_count(term) == events
    assert membership.show(term, member, at("2026-11-02 10:00"))["offer"]["enabled"] is False


def test_who_may_sell_it(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    other = register(term, admin, "13900001111", when=at("2026-11-02 09:00"))
    manager = Actor("m1", "manager", "店长")
    membership.buy(term, cashier, member, at=at("2026-11-02 10:00"))
    membership.buy(term, manager, other, at=at("2026-11-02 10:05"))
    staff = [r[0] for r in term.store.conn.execute(
        "SELECT staff_id FROM events WHERE kind = 'membership_purchased' ORDER BY seq")]
    assert staff == ["c1", "m1"]
    with pytest.raises(PosError) as exc:
        membership.buy(term, cashier, member, "stored_value", at("2026-11-02 10:10"))
    assert exc.value.code == "input_invalid"
    privacy.blacklist(term, admin, other, "恶意退货", at("2026-11-02 11:00"))
    with pytest.raises(PosError) as exc:
        membership.buy(term, cashier, other, at=at("2026-11-02 12:00"))
    assert exc.value.code == "member_blacklisted"
