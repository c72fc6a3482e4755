"""Refunds: exact reversal of earned points, exact restoration of redeemed points, partial lines."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storetime import at
from terminal import clock
from terminal.errors import PosError
from terminal.services import maintenance, members, reads, refunds

from svc_helpers import buy, event_count, ledger_points, register


def _balance(term, member, when="2026-11-20 10:00"):
    return members.view(term, member, at(when))["points_balance"]


def test_whole_refund_puts_points_back_exactly(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    members.adjust_points(term, admin, member, 1000, "迁移旧积分", at("2026-11-02 09:30"))
    sale = buy(term, admin, member, at("2026-11-03 10:00"), ("fresh", 12000), ("general", 8000, 2), redeem=700)
    assert _balance(term, member) == 1000 - 700 + sale["points_earned"]
    doc = refunds.refund(term, admin, sale["receipt_no"], at=at("2026-11-04 10:00")).document
    assert doc["refund_fen"] == sale["payable_fen"]
    assert doc["points_reversed"] == sale["points_earned"] and doc["points_restored"] == 700
    assert doc["points_restored_expired"] == 0
    assert _balance(term, member) == 1000 and not doc["balance_negative"]
    assert _balance(term, member) == ledger_points(term, member)


def test_partial_refunds_of_a_line_add_up_to_the_whole_line(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    members.adjust_points(term, admin, member, 500, "补偿", at("2026-11-02 09:30"))
    sale = buy(term, admin, member, at("2026-11-03 10:00"), ("fresh", 333, 3), ("general", 1001), redeem=300)
    parts = [refunds.refund(term, admin, sale["sale_id"], [(1, 1)], at("2026-11-04 10:00")).document for _ in range(3)]
    line = sale["lines"][0]
    assert sum(p["refund_fen"] for p in parts) == line["paid_fen"]
    assert sum(p["points_reversed"] for p in parts) == line["points"]
    with pytest.raises(PosError) as exc:
        refunds.refund(term, admin, sale["sale_id"], [(1, 1)], at("2026-11-04 10:00"))
    assert exc.value.code == "refund_qty_exceeds"
    rest = refunds.refund(term, admin, sale["sale_id"], at=at("2026-11-04 11:00")).document
    total_restored = sum(p["points_restored"] for p in parts) + rest["points_restored"]
    assert total_restored == 300
    assert sum(p["refund_fen"] for p in parts) + rest["refund_fen"] == sale["payable_fen"]
    assert _balance(term, member) == 500
    with pytest.raises(PosError) as exc:
        refunds.refund(term, admin, sale["sale_id"], at=at("2026-11-04 12:00"))
    assert exc.value.code == "refund_nothing"


def test_refund_after_the_points_were_spent_goes_negative_and_says_so(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    first = buy(term, admin, member, at("2026-11-03 10:00"), ("general", 60000))  # 600 points
    buy(term, admin, member, at("2026-11-04 10:00"), ("general", 1200), redeem=600)  # pays 6.00: earns 6
    doc = refunds.refund(term, admin, first["sale_id"], at=at("2026-11-05 10:00")).document
    assert doc["points_reversed"] == 600
    assert doc["balance_negative"] is True and doc["points_balance"] < 0
    view = members.view(term, member, at("2026-11-05 11:00"))
    assert view["points_negative"] is True and view["points_balance"] == ledger_points(term, member)
    later = buy(term, admin, member, at("2026-11-06 10:00"), ("general", 100000))
    assert later["points_balance"] == doc["points_balance"] + later["points_earned"] + later["bonus_points"]


def test_points_a_refund_restores_to_an_expired_lot_expire_at_once_and_the_books_agree(term, admin):
    """Restored points keep their expiry: back in a lot that expired (and that maintain had
    expired) they count for nothing, and the ledger says so at once, so the balance the till shows
    and the sum of the member's events (what head office adds up) stay the same number."""
    member = register(term, admin, when=at("2026-02-27 10:00"))
    members.adjust_points(term, admin, member, 1000, "迁移旧积分", at("2026-02-27 10:30"))
    lot = reads.points_state(term, member).lots[0]
    sale = buy(term, admin, member, lot.expires_at - timedelta(days=40), ("general", 5000), redeem=300)
    expiry_day = lot.expires_at + timedelta(hours=12)
    maintenance.maintain(term, admin, expiry_day)  # the lot's other 700 expire
    refunded_at = expiry_day + timedelta(days=1)
    doc = refunds.refund(term, admin, sale["sale_id"], at=refunded_at).document
    assert doc["points_restored"] == 300 and doc["points_restored_expired"] == 300
    assert doc["points_balance"] == 0  # the 300 came back into the expired lot, the earned points went
    expired = term.store.conn.execute(
        "SELECT occurred_at, payload FROM events WHERE kind = 'points_expired' ORDER BY seq").fetchall()
    assert [json.loads(p)["points"] for _, p in expired] == [700, 300]
    assert expired[-1][0] == clock.to_text(refunded_at)
    events = event_count(term)
    maintenance.maintain(term, admin, refunded_at + timedelta(days=1))
    assert event_count(term) == events  # nothing left to expire, nothing expired twice
    view = members.view(term, member, refunded_at + timedelta(days=1))
    assert view["points_balance"] == ledger_points(term, member) == 0


@pytest.mark.parametrize("lines, code", [([(9, None)], "refund_line_invalid"), ([(1, 5)], "refund_qty_exceeds"),
                                         ([(1, 0)], "refund_line_invalid")])
def test_bad_refund_requests_change_nothing(term, admin, lines, code):
    sale = buy(term, admin, None, at("2026-11-03 10:00"), ("general", 1000, 2))
    events = event_count(term)
    with pytest.raises(PosError) as exc:
        refunds.refund(term, admin, sale["sale_id"], lines, at("2026-11-04 10:00"))
    assert exc.value.code == code and event_count(term) == events


def test_unknown_sale(term, admin):
    with pytest.raises(PosError) as exc:
        refunds.refund(term, admin, "NOPE-000001")
    assert exc.value.code == "sale_not_found"
