"""Checkout through the services: the worked example, quote == sale, upgrades, bonus, offline cap."""

from __future__ import annotations

import pytest

from storetime import at
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.services import checkout, members, writes
from terminal.services.context import Actor

from svc_helpers import buy, event_count, ledger_points, register


def _silver_with_recall(term, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    buy(term, admin, member, at("2026-11-01 10:00"), ("general", 200000))  # reaches silver (2,000)
    with term.store.write():
        code = writes.issue_coupon(term, admin, member, "RECALL", at("2026-11-10 09:00"))["code"]
    return member, code


def test_worked_example_of_the_programme(term, admin):
    member, code = _silver_with_recall(term, admin)
    before = members.view(term, member, at("2026-11-21 09:00"))["points_balance"]
    doc = buy(term, admin, member, at("2026-11-21 10:00"), ("fresh", 12000), ("general", 8000), ("tobacco", 3000),
              coupon=code, redeem=500)
    assert doc["member"]["tier_before"] == "silver"
    assert [ln["tier_discount_fen"] for ln in doc["lines"]] == [600, 400, 0]
    assert [ln["coupon_discount_fen"] for ln in doc["lines"]] == [1800, 1200, 0]
    assert [ln["points_value_fen"] for ln in doc["lines"]] == [253, 168, 79]
    assert doc["payable_fen"] == 18500
    assert doc["points_earned"] == 486
    assert doc["bonus_points"] == 0  # November's bonus came with the first sale
    assert doc["points_balance"] == before - 500 + 486
    assert doc["receipt_no"] and doc["sale_id"]


def test_quote_commits_nothing_and_equals_the_sale(term, admin):
    member, code = _silver_with_recall(term, admin)
    req = checkout.SaleRequest(lines=(CartLine("fresh", 12000), CartLine("tobacco", 3000)), member=member,
                               coupon=code, redeem_points=200)
    events = event_count(term)
    quoted = checkout.quote(term, admin, req, at("2026-11-21 10:00"))
    assert event_count(term) == events
    sold = checkout.sale(term, admin, req, at("2026-11-21 10:00")).document
    for key in ("lines", "payable_fen", "points_earned", "bonus_points", "points_balance", "next_tier",
                "to_next_tier_fen", "nudge", "expiring_points", "coupon_discount_fen", "tier_discount_fen"):
        assert quoted[key] == sold[key], key


def test_the_crossing_sale_earns_at_the_old_rate_and_the_member_leaves_upgraded(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    doc = buy(term, admin, member, at("2026-11-03 10:00"), ("general", 250000))  # Tuesday, no campaign
    assert doc["member"]["tier_before"] == "regular" and doc["member"]["tier_after"] == "silver"
    assert doc["tier_changed"] is True
    assert doc["tier_discount_fen"] == 0
    assert doc["points_earned"] == 2500  # x1.0, the old tier's rate
    assert members.view(term, member, at("2026-11-03 11:00"))["tier"] == "silver"
    nxt = buy(term, admin, member, at("2026-11-04 10:00"), ("general", 10000))
    assert nxt["tier_discount_fen"] == 500 and nxt["points_earned"] == 114  # 95.00 paid x1.2


def test_monthly_bonus_once_per_month(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    first = buy(term, admin, member, at("2026-11-03 10:00"), ("general", 60000))
    second = buy(term, admin, member, at("2026-11-04 10:00"), ("general", 50000))
    third = buy(term, admin, member, at("2026-11-05 10:00"), ("general", 50000))
    december = buy(term, admin, member, at("2026-12-01 10:00"), ("general", 110000))  # silver now: 1,045 paid
    assert [first["bonus_points"], second["bonus_points"], third["bonus_points"]] == [0, 200, 0]
    assert december["bonus_points"] == 200


def test_nudge_shown_when_close_to_the_next_tier(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    far = buy(term, admin, member, at("2026-11-03 10:00"), ("general", 100000))
    assert far["nudge"] is None and far["to_next_tier_fen"] == 100000
    near = buy(term, admin, member, at("2026-11-04 10:00"), ("general", 70000))
    assert near["to_next_tier_fen"] == 30000
    assert near["nudge"] == "再消费¥300.00升级为银卡会员"


def test_sale_without_member_earns_nothing_and_refuses_points(term, admin):
    doc = buy(term, admin, None, at("2026-11-03 10:00"), ("fresh", 5000))
    assert doc["member"] is None and doc["points_earned"] == 0 and doc["payable_fen"] == 5000
    with pytest.raises(PosError) as exc:
        buy(term, admin, None, at("2026-11-03 10:00"), ("fresh", 5000), redeem=100)
    assert exc.value.code == "redeem_needs_member"


@pytest.mark.parametrize("redeem, code", [(150, "redeem_step"), (10000, "redeem_over_cap"), (-100, "redeem_negative")])
def test_bad_redemptions_are_refused_and_change_nothing(term, admin, redeem, code):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    buy(term, admin, member, at("2026-11-03 10:00"), ("general", 100000))  # 1,000 points + 200 bonus
    events = event_count(term)
    with pytest.raises(PosError) as exc:
        buy(term, admin, member, at("2026-11-04 10:00"), ("general", 10000), redeem=redeem)
    assert exc.value.code == code
    if code != "redeem_negative":
        assert exc.value.params["max_points"] == 1200  # the balance binds: 50% of 95.00 would allow 4,700
        assert "1200" in exc.value.message()
    assert event_count(term) == events


def test_used_and_expired_coupons_are_refused(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    welcome = members.view(term, member)["coupons"][0]["code"]
    buy(term, admin, member, at("2026-11-03 10:00"), ("general", 6000), coupon=welcome)
    with pytest.raises(PosError) as exc:
        buy(term, admin, member, at("2026-11-04 10:00"), ("general", 6000), coupon=welcome)
    assert exc.value.code == "coupon_used"
    other = register(term, admin, "13912345678", when=at("2026-11-02 09:00"))
    old = members.view(term, other)["coupons"][0]["code"]
    with pytest.raises(PosError) as exc:
        buy(term, admin, other, at("2026-12-05 10:00"), ("general", 6000), coupon=old)
    assert exc.value.code == "coupon_expired"
    with pytest.raises(PosError) as exc:
        buy(term, admin, member, at("2026-11-04 10:00"), ("general", 6000), coupon=old)
    assert exc.value.code == "coupon_not_owned"


def test_offline_cap_limits_redemption_per_member_per_day(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    members.adjust_points(term, admin, member, 10000, "开业赠送", at("2026-11-02 09:30"))
    term.store.set_setting("headoffice_url", "http://127.0.0.1:9")  # enrolled, never synced: offline
    buy(term, admin, member, at("2026-11-03 10:00"), ("general", 300000), redeem=1500)
    with pytest.raises(PosError) as exc:
        buy(term, admin, member, at("2026-11-03 11:00"), ("general", 300000), redeem=600)
    assert exc.value.code == "redeem_over_cap" and exc.value.params["max_points"] == 500
    assert "离线" in exc.value.message()
    doc = buy(term, admin, member, at("2026-11-04 10:00"), ("general", 300000), redeem=2000)  # a new day
    assert doc["offline"] is True and doc["points_redeemed"] == 2000


def test_balance_always_equals_the_ledger(term, admin):
    member, code = _silver_with_recall(term, admin)
    buy(term, admin, member, at("2026-11-21 10:00"), ("fresh", 12000), coupon=code, redeem=300)
    assert members.view(term, member, at("2026-11-22 10:00"))["points_balance"] == ledger_points(term, member)


def test_blacklisted_member_is_refused_at_checkout(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    term.store.conn.execute("UPDATE members SET status='blacklisted', blacklist_reason='恶意退货' WHERE member_id=?",
                            (member,))
    with pytest.raises(PosError) as exc:
        buy(term, admin, member, at("2026-11-03 10:00"), ("general", 1000))
    assert exc.value.code == "member_blacklisted" and "恶意退货" in exc.value.message()


def test_a_cashier_cannot_refund_adjust_or_maintain(term, cashier, admin):
    from terminal.services import maintenance, refunds

    member = register(term, cashier, when=at("2026-11-02 09:00"))
    doc = buy(term, cashier, member, at("2026-11-03 10:00"), ("general", 1000))
    for call in (lambda: refunds.refund(term, cashier, doc["sale_id"]),
                 lambda: members.adjust_points(term, cashier, member, 10, "x"),
                 lambda: maintenance.maintain(term, cashier)):
        with pytest.raises(PosError) as exc:
            call()
        assert exc.value.code == "forbidden"
    assert isinstance(cashier, Actor)


def test_the_receipt_shows_tier_and_progress_even_when_no_nudge_is_due(term, admin):
    from terminal.receipt import render

    member = register(term, admin, when=at("2026-11-02 09:00"))
    far = render(buy(term, admin, member, at("2026-11-03 10:00"), ("general", 10000)))
    assert "普通会员" in far and "距银卡会员还差 ¥1,900.00" in far
    near = render(buy(term, admin, member, at("2026-11-04 10:00"), ("general", 160000)))
    assert "再消费¥300.00升级为银卡会员" in near and "还差" not in near
