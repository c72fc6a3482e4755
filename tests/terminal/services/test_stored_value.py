"""Stored value (储值): top-up bonus and limits, paying a sale, refusals that change nothing, the
offline cap, refunds back to the balance exactly, and balance == the sum of the events."""

from __future__ import annotations

import json

import pytest

from storetime import at
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.receipt import render
from terminal.rules import default_rules_text
from terminal.services import audit, checkout, members, refunds, setup, stored_value

from svc_helpers import buy, event_count, ledger_points, ledger_stored_value, register

TUESDAY = "2026-11-03 10:00"  # no campaign multiplier


def _topup(term, actor, member, fen, when="2026-11-02 11:00", pay="cash"):
    return stored_value.topup(term, actor, member, fen, pay, at(when)).document


def _events(term, kind):
    return [json.loads(r[0]) for r in term.store.conn.execute(
        "SELECT payload FROM events WHERE kind = ? ORDER BY seq", (kind,))]


def test_bonus_starts_at_exactly_500_yuan(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    below = _topup(term, cashier, member, 49_999)
    assert (below["paid_fen"], below["bonus_fen"], below["amount_fen"]) == (49_999, 0, 49_999)
    at_step = _topup(term, cashier, member, 50_000)
    assert (at_step["paid_fen"], at_step["bonus_fen"], at_step["amount_fen"]) == (50_000, 5_000, 55_000)
    assert at_step["balance_before_fen"] == 49_999 and at_step["stored_value_fen"] == 104_999
    assert _events(term, "stored_value_topup") == [
        {"amount_fen": 49_999, "paid_fen": 49_999, "bonus_fen": 0, "pay_method": "cash"},
        {"amount_fen": 55_000, "paid_fen": 50_000, "bonus_fen": 5_000, "pay_method": "cash"}]
    assert stored_value.balance(term, member) == ledger_stored_value(term, member) == 104_999
    assert members.view(term, member, at("2026-11-02 12:00"))["stored_value_fen"] == 104_999
    actions = [r["action"] for r in term.store.all("SELECT action FROM audit")]
    assert actions.count("stored_value_topup") == 2 and audit.verify(term) == (True, None)
    assert term.store.scalar("SELECT staff_id FROM events WHERE kind = 'stored_value_topup' LIMIT 1") == "c1"


@pytest.mark.parametrize("fen, code", [(99, "stored_value_topup_min"), (0, "stored_value_topup_min"),
                                       (5_000_001, "stored_value_topup_max")])
def test_top_up_limits_refuse_and_change_nothing(term, cashier, admin, fen, code):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    events = event_count(term)
    with pytest.raises(PosError) as exc:
        _topup(term, cashier, member, fen)
    assert exc.value.code == code and event_count(term) == events
    assert _topup(term, cashier, member, 100)["amount_fen"] == 100  # the minimum itself is fine


def test_balance_limit_and_bad_pay_method(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    _topup(term, cashier, member, 5_000_000)  # credits 5,005,000
    events = event_count(term)
    with pytest.raises(PosError) as exc:
        _topup(term, cashier, member, 5_000_000)  # 10,010,000 > 10,000,000
    assert exc.value.code == "stored_value_balance_max" and exc.value.params["balance_fen"] == 5_005_000
    assert "¥100,000.00" in exc.value.message("zh")
    with pytest.raises(PosError) as exc:
        _topup(term, cashier, member, 1000, pay="stored_value")
    assert exc.value.code == "input_invalid" and event_count(term) == events
    assert _topup(term, cashier, member, 4_990_000)["stored_value_fen"] == 10_000_000  # exactly the limit


def test_disabled_programme_refuses_top_ups(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    text = default_rules_text().replace('version = "default-2026.1"', 'version = "no-sv"').replace(
        "[stored_value]                      # 储值卡\nenabled = true", "[stored_value]\nenabled = false")
    setup.load_rules(term, admin, text, at("2026-11-02 09:30"))
    assert term.programme.stored_value.enabled is False
    with pytest.raises(PosError) as exc:
        _topup(term, admin, member, 10_000)
    assert exc.value.code == "stored_value_disabled"


def test_pay_a_sale_by_stored_value(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    _topup(term, cashier, member, 50_000)  # 550.00 credited
    cart = (CartLine("fresh", 12_000), CartLine("general", 8_000, 2))
    as_cash = checkout.quote(term, cashier, checkout.SaleRequest(cart, member), at(TUESDAY))
    assert as_cash["stored_value_balance_fen"] == 55_000 and as_cash["stored_value_paid_fen"] == 0
    req = checkout.SaleRequest(cart, member, pay_method="stored_value")
    quoted = checkout.quote(term, cashier, req, at(TUESDAY))
    result = checkout.sale(term, cashier, req, at(TUESDAY))
    doc = result.document
    assert doc["pay_method"] == "stored_value" and doc["stored_value_paid_fen"] == doc["payable_fen"] == 28_000
    assert doc["stored_value_balance_fen"] == 55_000 - 28_000
    assert {k: v for k, v in quoted.items() if k not in ("sale_id", "receipt_no")} == {
        k: v for k, v in doc.items() if k not in ("sale_id", "receipt_no")}
    # points and qualifying spend as on cash
    assert doc["points_earned"] == as_cash["points_earned"] == 120 * 3 + 160  # fresh x3, general x1
    assert "stored_value" in result.changed
    assert _events(term, "stored_value_spent") == [{"amount_fen": 28_000, "sale_id": doc["sale_id"]}]
    assert term.store.scalar("SELECT stored_value_fen FROM sales WHERE sale_id = ?", (doc["sale_id"],)) == 28_000
    view = members.view(term, member, at("2026-11-03 11:00"))
    assert view["stored_value_fen"] == 27_000 == ledger_stored_value(term, member)
    assert view["qualifying_fen"] == 28_000 and view["points_balance"] == ledger_points(term, member)
    text = render(doc)
    assert "储值卡" in text and "储值支付" in text and "¥280.00" in text and "储值余额" in text and "¥270.00" in text


def test_short_balance_is_refused_and_nothing_changes(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    _topup(term, cashier, member, 1_000)
    events, counter = event_count(term), term.store.setting("receipt_counter")
    with pytest.raises(PosError) as exc:
        buy(term, cashier, member, at(TUESDAY), ("general", 1_001), pay="stored_value")
    assert exc.value.code == "stored_value_insufficient"
    assert exc.value.params["balance_fen"] == 1_000 and "¥10.00" in exc.value.message("zh")
    assert event_count(term) == events and term.store.setting("receipt_counter") == counter
    assert term.store.scalar("SELECT COUNT(*) FROM sales") == 0
    assert stored_value.balance(term, member) == 1_000
    exact = buy(term, cashier, member, at(TUESDAY), ("general", 1_000), pay="stored_value")
    assert exact["stored_value_balance_fen"] == 0 == stored_value.balance(term, member)
    with pytest.raises(PosError) as exc:
        buy(term, cashier, None, at(TUESDAY), ("general", 100), pay="stored_value")
    assert exc.value.code == "stored_value_needs_member"


def test_offline_cap_per_member_per_terminal_per_day(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    _topup(term, cashier, member, 200_000)
    term.store.set_setting("headoffice_url", "http://127.0.0.1:9")  # enrolled, never synced: offline
    first = buy(term, cashier, member, at("2026-11-03 10:00"), ("general", 30_000), pay="stored_value")
    assert first["offline"] is True
    events = event_count(term)
    with pytest.raises(PosError) as exc:
        buy(term, cashier, member, at("2026-11-03 11:00"), ("general", 20_001), pay="stored_value")
    assert exc.value.code == "stored_value_offline_cap" and exc.value.params["left_fen"] == 20_000
    assert "¥200.00" in exc.value.message("zh") and event_count(term) == events
    buy(term, cashier, member, at("2026-11-03 12:00"), ("general", 20_000), pay="stored_value")  # the rest of today
    buy(term, cashier, member, at("2026-11-03 13:00"), ("general", 90_000))  # cash is not capped
    assert stored_value.show(term, member, at("2026-11-03 14:00"))["offline_left_fen"] == 0
    # silver from the third purchase this month (5% off): the cap counts what was paid
    day2 = buy(term, cashier, member, at("2026-11-04 10:00"), ("general", 52_632), pay="stored_value")  # a new day
    assert day2["stored_value_paid_fen"] == 50_000
    term.store.set_setting("last_sync_at", "2026-11-05T09:59:00.000000+08:00")  # online again: no cap
    online = buy(term, cashier, member, at("2026-11-05 10:00"), ("general", 60_000), pay="stored_value")
    assert online["offline"] is False
    assert stored_value.balance(term, member) == 205_000 - 30_000 - 20_000 - 50_000 - online["payable_fen"]


def test_refunds_put_the_stored_value_back_exactly(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    members.adjust_points(term, admin, member, 1_000, "迁移旧积分", at("2026-11-02 09:30"))
    _topup(term, cashier, member, 100_000)
    start = stored_value.balance(term, member)
    sale = buy(term, cashier, member, at(TUESDAY), ("fresh", 333, 3), ("general", 1_001), ("tobacco", 2_999),
               redeem=200, pay="stored_value")
    assert sale["stored_value_paid_fen"] == sale["payable_fen"]
    parts = [refunds.refund(term, admin, sale["sale_id"], [(1, 1)], at("2026-11-04 10:00")).document
             for _ in range(3)]
    assert [p["stored_value_refunded_fen"] for p in parts] == [p["refund_fen"] for p in parts]
    assert sum(p["stored_value_refunded_fen"] for p in parts) == sale["lines"][0]["paid_fen"]
    rest = refunds.refund(term, admin, sale["sale_id"], at=at("2026-11-04 11:00")).document
    refunded = [e["amount_fen"] for e in _events(term, "stored_value_refunded")]
    assert sum(refunded) == sale["stored_value_paid_fen"] and len(refunded) == 4
    assert rest["stored_value_balance_fen"] == start == stored_value.balance(term, member)
    assert ledger_stored_value(term, member) == start
    assert {e["refund_id"] for e in _events(term, "stored_value_refunded")} == {
        p["refund_id"] for p in (*parts, rest)}
    cash_sale = buy(term, cashier, member, at("2026-11-05 10:00"), ("general", 5_000))
    doc = refunds.refund(term, admin, cash_sale["sale_id"], at=at("2026-11-05 11:00")).document
    assert doc["stored_value_refunded_fen"] == 0 and len(_events(term, "stored_value_refunded")) == 4


def test_history_and_show(term, cashier, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    _topup(term, cashier, member, 60_000, pay="wechat")
    sale = buy(term, cashier, member, at(TUESDAY), ("general", 10_000), pay="stored_value")
    refunds.refund(term, admin, sale["sale_id"], at=at("2026-11-04 10:00"))
    shown = stored_value.show(term, "5678", at("2026-11-04 11:00"))
    assert shown["stored_value_fen"] == 65_000 and shown["headoffice_fen"] is None and shown["offline"] is False
    assert [(h["kind"], h["amount_fen"]) for h in shown["history"]] == [
        ("stored_value_topup", 65_000), ("stored_value_spent", -10_000), ("stored_value_refunded", 10_000)]
    assert shown["history"][0]["pay_method"] == "wechat" and shown["history"][0]["bonus_fen"] == 5_000
    assert shown["history"][1]["sale_id"] == sale["sale_id"] and not shown["history"][1]["confirmed"]
