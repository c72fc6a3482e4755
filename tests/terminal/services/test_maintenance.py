"""Maintenance: expiry at month end a year on, tier retention, birthday coupons; all idempotent."""

from __future__ import annotations

from storetime import at
from terminal.services import maintenance, members

from svc_helpers import buy, event_count, ledger_points, register


def test_points_expire_at_month_end_a_year_later_even_before_maintain(term, admin):
    member = register(term, admin, when=at("2026-03-01 09:00"))
    buy(term, admin, member, at("2026-03-16 10:00"), ("general", 10000))  # Monday: 100 points
    assert members.view(term, member, at("2027-03-31 23:59"))["points_balance"] == 100
    assert members.view(term, member, at("2027-03-05 10:00"))["expiring_points"] == [
        {"points": 100, "expires_on": "2027-03-31"}]
    assert members.view(term, member, at("2027-04-01 00:00"))["points_balance"] == 0  # maintain has not run


def test_maintain_writes_expiry_once_and_the_ledger_agrees(term, admin):
    member = register(term, admin, when=at("2026-03-01 09:00"))
    buy(term, admin, member, at("2026-03-16 10:00"), ("general", 10000))
    buy(term, admin, member, at("2026-05-18 10:00"), ("general", 20000))
    first = maintenance.maintain(term, admin, at("2027-04-02 03:00"))
    assert first.points_expired == 100 and first.lots_expired == 1
    events = event_count(term)
    again = maintenance.maintain(term, admin, at("2027-04-02 03:00"))
    assert again.points_expired == 0 and event_count(term) == events
    assert members.view(term, member, at("2027-04-02 04:00"))["points_balance"] == 200 == ledger_points(term, member)


def test_gold_member_below_the_line_at_the_anniversary_drops_one_tier(term, admin):
    member = register(term, admin, when=at("2024-11-01 09:00"))
    buy(term, admin, member, at("2024-12-02 10:00"), ("general", 700000))  # silver
    buy(term, admin, member, at("2025-01-06 10:00"), ("general", 350000))  # 3,325 paid: gold since 2025-01-06
    buy(term, admin, member, at("2025-12-01 10:00"), ("general", 100000))
    before = members.view(term, member, at("2025-12-20 10:00"))  # 4,225 in the window, line is 8,000
    assert before["tier"] == "gold" and before["at_risk"] is True
    m = maintenance.maintain(term, admin, at("2026-01-07 03:00"))
    assert m.tier_changes == 1
    assert members.view(term, member, at("2026-01-07 04:00"))["tier"] == "silver"
    assert maintenance.maintain(term, admin, at("2026-01-07 03:00")).tier_changes == 0


def test_birthday_coupon_once_in_the_birthday_month(term, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"), birthday="1990-11-15")
    assert maintenance.maintain(term, admin, at("2026-11-01 03:00")).birthday_coupons == 1
    assert maintenance.maintain(term, admin, at("2026-11-02 03:00")).birthday_coupons == 0
    coupons = [c for c in members.view(term, member, at("2026-11-02 10:00"))["coupons"] if c["template"] == "BIRTHDAY"]
    assert len(coupons) == 1 and coupons[0]["status"] == "available"
    assert coupons[0]["valid_to"].startswith("2026-12-01")
