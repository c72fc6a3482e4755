"""A member's history for the manager's page: sales with lines and refunds, points events with their
reasons and staff, lots, tier changes, paid membership and stored value; the points listed always add
up to the ledger (hypothesis); only a manager reads it."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from storetime import at
from svc_helpers import buy, ledger_points, register
from terminal import lots
from terminal.clock import FixedClock
from terminal.errors import PosError
from terminal.services import maintenance, member_history, members, privacy, refunds, setup, staff
from terminal.services.context import Actor, open_terminal


def test_sales_points_tiers_and_stored_value_with_reasons_and_staff(term, admin):
    staff.add_staff(term, admin, "m01", "王经理", "manager", "2468")
    manager = Actor("m01", "manager", "王经理")
    member_id = register(term, admin, "13812345678", at("2025-10-01 09:00"), name="张伟")
    first = buy(term, admin, member_id, at("2025-10-05 10:00"), ("general", 150000), ("fresh", 60000))
    second = buy(term, admin, member_id, at("2025-10-20 10:00"), ("general", 5000))
    refunds.refund(term, manager, first["receipt_no"], [(2, None)], at("2025-10-21 10:00"))
    members.adjust_points(term, manager, member_id, 120, "顾客投诉补偿", at("2025-10-22 10:00"))
    members.adjust_points(term, manager, member_id, -20, "多给的积分", at("2025-10-23 10:00"))
    now = at("2025-10-24 10:00")
    with term.store.write():
        term.emit("stored_value_topup", now, manager, member_id,
                  {"amount_fen": 55000, "paid_fen": 50000, "bonus_fen": 5000, "pay_method": "wechat"})
        term.emit("stored_value_spent", now, admin, member_id, {"amount_fen": 3000, "sale_id": second["sale_id"]})
        term.emit("membership_purchased", now, manager, member_id,
                  {"tier": "gold", "fee_fen": 19900, "pay_method": "cash", "starts_at": "2025-10-24T10:00:00+08:00",
                   "ends_at": "2026-10-24T10:00:00+08:00"})

    h = member_history.history(term, admin, member_id, at=now)

    assert [s["receipt_no"] for s in h["sales"]] == [second["receipt_no"], first["receipt_no"]]
    sale = h["sales"][1]
    assert sale["payable_fen"] == 210000 and len(sale["lines"]) == 2 and sale["staff_name"] == "管理员"
    assert sale["points_earned"] > 0 and sale["bonus_points"] == 200
    (refund,) = sale["refunds"]
    assert refund["refund_fen"] == sale["refunded_fen"] == 60000 and refund["staff_name"] == "王经理"
    kinds = [p["kind"] for p in h["points"]]
    assert kinds[:3] == ["points_adjusted", "points_adjusted", "points_reversed"]  # newest first
    assert {"points_earned", "bonus_awarded"} <= set(kinds)
    adjusted = [p for p in h["points"] if p["kind"] == "points_adjusted"]
    assert [(p["delta"], p["reason"], p["staff_name"]) for p in adjusted] == [
        (-20, "多给的积分", "王经理"), (120, "顾客投诉补偿", "王经理")]
    reversed_ = next(p for p in h["points"] if p["kind"] == "points_reversed")
    assert reversed_["receipt_no"] == first["receipt_no"] and reversed_["delta"] < 0
    bonus = next(p for p in h["points"] if p["kind"] == "bonus_awarded")
    assert (bonus["delta"], bonus["reason"], bonus["month"]) == (200, "monthly_bonus", "2025-10")
    assert sum(p["delta"] for p in h["points"]) == ledger_points(term, member_id) == h["points_balance"]
    assert sum(lot["remaining"] for lot in h["lots"] if lot["live"]) == h["points_balance"]
    tier = [e for e in h["tiers"] if e["kind"] == "tier_changed"]
    assert [(e["from"], e["to"], e["reason"], e["receipt_no"]) for e in tier] == [
        ("regular", "silver", "upgrade", first["receipt_no"])]
    paid = next(e for e in h["tiers"] if e["kind"] == "membership_purchased")
    assert (paid["to"], paid["fee_fen"], paid["ends_at"]) == ("gold", 19900, "2026-10-24T10:00:00+08:00")
    assert [(e["kind"], e["amount_fen"]) for e in h["stored_value"]] == [
        ("stored_value_spent", -3000), ("stored_value_topup", 55000)]
    assert h["stored_value"][0]["receipt_no"] == second["receipt_no"]
    assert h["phone"] == "+8613812345678" and h["truncated"] == []


def test_expired_points_show_with_their_lot(term, admin):
    member_id = register(term, admin, "13812345678", at("2024-01-05 09:00"))
    buy(term, admin, member_id, at("2024-01-10 10:00"), ("general", 10000))
    maintenance.maintain(term, admin, at=at("2025-02-02 10:00"))
    h = member_history.history(term, admin, member_id, at=at("2025-02-02 10:00"))
    expired = next(p for p in h["points"] if p["kind"] == "points_expired")
    earned = next(p for p in h["points"] if p["kind"] == "points_earned")
    assert expired["delta"] == -earned["delta"] and expired["lot_id"] == earned["event_id"]
    assert h["points_balance"] == 0
    assert [(lot["expires_on"], lot["live"]) for lot in h["lots"]] == [("2025-01-31", False)]


def test_an_erased_member_keeps_a_history_without_personal_data(term, admin):
    member_id = register(term, admin, "13812345678", at("2025-10-01 09:00"), name="张伟")
    buy(term, admin, member_id, at("2025-10-05 10:00"), ("general", 5000))
    privacy.erase(term, admin, member_id, "本人要求", at("2025-10-06 10:00"))
    h = member_history.history(term, admin, member_id, at=at("2025-10-07 10:00"))
    assert h["status"] == "erased" and h["phone"] is None and len(h["sales"]) == 1
    assert "张伟" not in str(h) and "13812345678" not in str(h)


def test_only_a_manager_reads_a_history(term, admin, cashier):
    member_id = register(term, admin, "13812345678", at("2025-10-01 09:00"))
    with pytest.raises(PosError) as exc:
        member_history.history(term, cashier, member_id)
    assert exc.value.code == "forbidden"
    with pytest.raises(PosError) as exc:
        member_history.history(term, admin, "00000000-0000-7000-8000-000000000000")
    assert exc.value.code == "member_not_found"


ADMIN = Actor("admin", "admin", "管理员")
STEP = st.one_of(
    st.tuples(st.just("buy"), st.integers(1, 300_000)),
    st.tuples(st.just("refund"), st.integers(0, 5)),
    st.tuples(st.just("adjust"), st.integers(-500, 500).filter(bool)),
    st.tuples(st.just("redeem"), st.integers(1, 10)),
    st.tuples(st.just("maintain"), st.just(0)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(STEP, st.integers(1, 90)), min_size=1, max_size=10))
def test_the_points_listed_add_up_to_the_ledger_and_the_sales_to_the_table(steps):
    with tempfile.TemporaryDirectory() as folder:
        when = at("2025-01-03 10:00")
        t = open_terminal(Path(folder) / "data", FixedClock(when))
        try:
            setup.init(t, store_name="历史", admin_pin="1234", at=when)
            member_id = register(t, ADMIN, "13812345678", when)
            receipts: list[str] = []
            for (op, n), days in steps:
                when += timedelta(days=days)
                try:
                    if op == "buy":
                        receipts.append(buy(t, ADMIN, member_id, when, ("general", n))["receipt_no"])
                    elif op == "refund" and receipts:
                        refunds.refund(t, ADMIN, receipts[n % len(receipts)], [], when)
                    elif op == "adjust":
                        members.adjust_points(t, ADMIN, member_id, n, "调整", when)
                    elif op == "redeem" and receipts:
                        buy(t, ADMIN, member_id, when, ("general", 100_000), redeem=100 * n)
                    elif op == "maintain":
                        maintenance.maintain(t, ADMIN, at=when)
                except PosError:
                    pass  # refused (nothing left to refund, balance too low): changes nothing
            h = member_history.history(t, ADMIN, member_id, at=when)
            assert sum(p["delta"] for p in h["points"]) == ledger_points(t, member_id)
            assert all(p["kind"] in lots.POINT_KINDS for p in h["points"])
            assert [p["seq"] for p in h["points"]] == sorted((p["seq"] for p in h["points"]), reverse=True)
            assert len(h["sales"]) == t.store.scalar("SELECT COUNT(*) FROM sales")
            assert sum(s["refunded_fen"] for s in h["sales"]) == (
                t.store.scalar("SELECT COALESCE(SUM(refund_fen), 0) FROM refunds"))
            live = sum(lot["remaining"] for lot in h["lots"] if lot["live"])
            assert live + h["points_deficit"] == h["points_balance"]
        finally:
            t.store.close()
