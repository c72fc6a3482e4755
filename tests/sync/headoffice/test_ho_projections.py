"""Projections with the terminal's own pure code: balances (fold), merges by phone, overdraft and
coupon conflicts, tiers decided at head office, cards, profile last-writer-wins."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ho_client import EXPIRES, T0, at, random_phone
from sync.headoffice import conflicts
from terminal import lots
from terminal.ids import new_id


def balance(snapshot, as_of: datetime = T0 + timedelta(days=1)) -> int:
    p = snapshot["points"]
    return sum(lot["remaining"] for lot in p["lots"] if datetime.fromisoformat(lot["expires_at"]) > as_of) + p["deficit"]


def conflicts_of(ho, kind, member_id):
    ho.caught_up()
    with ho.db.read() as tx:
        return conflicts.listing(tx, kind, member_id)


def test_balance_is_the_fold_of_all_terminals_events_in_order(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    a.earn(member, 1000, at(10))
    a.redeem(member, 300, at(30))
    assert a.push().status_code == 200
    b.earn(member, 500, at(20))  # between a's two events in time
    b.event("points_adjusted", {"delta": -100, "reason": "纠正"}, member, at(40))
    assert b.push().status_code == 200
    events = sorted((e for t in (a, b) for e in t.log if e["kind"] in lots.POINT_KINDS),
                    key=lambda e: (datetime.fromisoformat(e["occurred_at"]), e["terminal_id"], e["seq"]))
    expected = lots.fold(lots.from_ledger(e["event_id"], e["kind"], datetime.fromisoformat(e["occurred_at"]),
                                          e["payload"]) for e in events)
    snap = a.member(member)
    assert balance(snap) == expected.balance(T0 + timedelta(days=1)) == 1100
    assert [(lot["lot_id"], lot["remaining"]) for lot in snap["points"]["lots"]] == [
        (lot.lot_id, lot.remaining) for lot in expected.lots]


def test_includes_seq_is_the_requesting_terminals_acked_seq(ho):
    a, b = ho.till(), ho.till()
    member = a.register()
    a.earn(member, 100)
    assert a.push().status_code == 200
    b.register()
    assert b.push().status_code == 200
    assert a.member(member)["includes_seq"] == 2
    assert b.member(member)["includes_seq"] == 1


@pytest.mark.parametrize("first", ["late", "early"])
def test_same_phone_at_two_stores_merges_into_the_earliest(ho, first):
    phone = random_phone()
    early, late = ho.till(), ho.till("二号店")
    kept = early.register(phone, at(0), name="张伟")
    gone = late.register(phone, at(5), name="Zhang Wei")
    early.earn(kept, 100, at(10))
    late.earn(gone, 200, at(11))
    for till in ((late, early) if first == "late" else (early, late)):
        assert till.push().status_code == 200
    late.earn(gone, 50, at(20))  # arrives after the merge, under the old id
    assert late.push().status_code == 200
    snap = early.member(gone)
    assert snap["member_id"] == kept and snap["aliases"] == [gone]
    assert balance(snap) == 350
    assert snap["name"] == "张伟"  # the kept registration's profile stands; the other only fills blanks
    assert late.member(kept) == early.member(kept) | {"includes_seq": late.acked}
    found = conflicts_of(ho, "phone_merged", kept)
    assert len(found) == 1 and found[0]["detail"]["merged"]["member_id"] == gone
    assert found[0]["detail"]["kept"]["terminal_id"] == early.terminal_id


def test_overdraft_at_two_offline_terminals(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    a.earn(member, 1000, at(1))
    assert a.push().status_code == 200
    a.redeem(member, 800, at(60))
    b.redeem(member, 800, at(61))
    assert a.push().status_code == 200 and b.push().status_code == 200
    snap = a.member(member)
    assert balance(snap) == -600 and snap["points"]["flagged"] is True
    found = conflicts_of(ho, "points_overdraft", member)
    assert len(found) == 1
    detail = found[0]["detail"]
    assert detail["redemption"]["terminal_id"] == b.terminal_id
    assert detail["balance_before"] == 200 and detail["balance_after"] == -600
    assert {t: v["points"] for t, v in detail["by_terminal"].items()} == {a.terminal_id: 800, b.terminal_id: 800}


def test_coupon_used_twice_is_recorded_and_flagged(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    a.event("coupon_issued", {"code": "C7K3M9QX2A" + new_id()[-4:].upper(), "template": "WELCOME",
                              "valid_from": at(0).isoformat(), "valid_to": at(60 * 24 * 30).isoformat(),
                              "issue_key": None}, member, at(0))
    code = a.log[-1]["payload"]["code"]
    assert a.push().status_code == 200
    b_sale = b.sale(member, 5000, at(30))
    b.event("coupon_redeemed", {"code": code, "sale_id": b_sale}, member, at(30))
    a_sale = a.sale(member, 6000, at(31))
    a.event("coupon_redeemed", {"code": code, "sale_id": a_sale}, member, at(31))
    assert a.push().status_code == 200 and b.push().status_code == 200
    coupon = [c for c in a.member(member)["coupons"] if c["code"] == code][0]
    assert coupon["used_sale_id"] == b_sale  # the earliest use, whatever order they arrived in
    found = conflicts_of(ho, "coupon_reused", member)
    assert len(found) == 1
    assert {u["terminal_id"] for u in found[0]["detail"]["uses"]} == {a.terminal_id, b.terminal_id}


def test_head_office_decides_the_tier(ho):
    a = ho.till()
    member = a.register(when=at(0))
    a.sale(member, 150_000, at(10))
    a.sale(member, 60_000, at(20))  # 2,100 yuan in 365 days: silver
    a.event("tier_changed", {"from": "regular", "to": "diamond", "reason": "upgrade"}, member, at(21))
    assert a.push().status_code == 200
    snap = a.member(member)
    assert snap["tier"] == "silver" and snap["tier_since"].startswith(at(20).isoformat()[:16])
    assert [s["qualifying_fen"] for s in snap["spends"]] == [150_000, 60_000]


def test_late_spend_replays_tiers_to_the_same_result(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    a.sale(member, 50_000, at(100))
    assert a.push().status_code == 200
    b.sale(member, 50_000, at(10))  # earlier in time, arrives later
    b.sale(member, 50_000, at(20))  # three purchases this month: silver from at(100)
    assert b.push().status_code == 200
    snap = a.member(member)
    assert snap["tier"] == "silver" and snap["tier_since"].startswith(at(100).isoformat()[:16])
    refund_id = new_id()
    b.event("refund", {"refund_id": refund_id, "sale_id": "x", "refund_fen": 50_000, "lines": []}, member, at(200))
    assert b.push().status_code == 200
    assert [s["qualifying_fen"] for s in b.member(member)["spends"]][-1] == -50_000


def test_cards_issued_and_revoked(ho):
    a = ho.till()
    member = a.register(when=at(0))
    old, new = new_id(), new_id()
    a.event("card_issued", {"card_id": old, "key_id": "0123456789abcdef", "payload": "PM1.x"}, member, at(1))
    a.event("card_revoked", {"card_id": old, "replaced_by": new}, member, at(2))
    a.event("card_issued", {"card_id": new, "key_id": "0123456789abcdef", "payload": "PM1.y"}, member, at(2))
    assert a.push().status_code == 200
    cards = {c["card_id"]: c for c in a.member(member)["cards"]}
    assert cards[old]["revoked_at"] is not None and cards[new]["revoked_at"] is None


def test_profile_last_writer_wins_per_field_by_occurred_at(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0), name="甲")
    a.event("member_updated", {"name": "乙"}, member, at(50))
    assert a.push().status_code == 200
    b.event("member_updated", {"name": "丙", "birthday": "1990-01-02"}, member, at(40))  # older: loses name
    assert b.push().status_code == 200
    snap = a.member(member)
    assert snap["name"] == "乙" and snap["birthday"] == "1990-01-02"


def test_erasure_removes_personal_data_keeps_the_ledger(ho):
    a = ho.till()
    member = a.register(when=at(0), name="王芳")
    a.earn(member, 100, at(1))
    a.event("member_erased", {}, member, at(2))
    assert a.push().status_code == 200
    snap = a.member(member)
    assert (snap["phone"], snap["name"], snap["status"]) == (None, None, "erased")
    assert balance(snap) == 100
    assert "王芳" not in str(ho.events_of(a))


def test_bonus_twice_in_a_month_is_flagged(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    assert a.push().status_code == 200
    for till, minute in ((a, 10), (b, 11)):
        till.event("bonus_awarded", {"points": 200, "month": "2026-11", "reason": "monthly_bonus",
                                     "sale_id": new_id(), "expires_at": EXPIRES}, member, at(minute))
        assert till.push().status_code == 200
    assert a.member(member)["bonus_months"] == {"2026-11": 400}
    assert len(conflicts_of(ho, "bonus_duplicated", member)) == 1


def test_pull_pages_with_cursor_and_more(ho):
    a = ho.till()
    for _ in range(5):
        a.register()
    assert a.push().status_code == 200
    head = a.pull(0, 1000).json()
    seen, cursor, pages = [], 0, 0
    while True:
        doc = a.pull(cursor, 2).json()
        pages += 1
        seen.extend(c["id"] for c in doc["changes"])
        assert all(x < y for x, y in zip(seen, seen[1:]))  # oldest first
        cursor = doc["cursor"]
        if not doc["more"]:
            break
    assert cursor == head["cursor"] and pages > 1
    assert a.pull(cursor, 10).json() == {"cursor": cursor, "more": False, "changes": [], "quarantined": []}


def test_revoked_terminal_key_goes_out_in_the_feed(ho):
    from datetime import timezone

    from sync.headoffice import admin

    a, b = ho.till(), ho.till()
    a.sync_pull()
    admin.revoke(ho.db, b.terminal_id, datetime.now(timezone.utc))
    keys = [c["terminal_key"] for c in a.sync_pull() if c["kind"] == "terminal_key"]
    assert {"terminal_id": b.terminal_id, "revoked": True}.items() <= keys[-1].items()


def test_stored_value_spent_twice_offline(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    a.event("stored_value_topup", {"amount_fen": 10_000}, member, at(1))
    assert a.push().status_code == 200
    a.event("stored_value_spent", {"amount_fen": 8_000}, member, at(60))
    b.event("stored_value_spent", {"amount_fen": 8_000}, member, at(61))
    assert a.push().status_code == 200 and b.push().status_code == 200
    assert a.member(member)["stored_value_fen"] == -6_000
    found = conflicts_of(ho, "stored_value_overdraft", member)
    assert len(found) == 1 and found[0]["detail"]["balance_before_fen"] == 2_000


def test_new_rules_reach_terminals_by_pull(ho, tmp_path):
    from sync.headoffice import admin
    from terminal.rules import default_rules_text

    a = ho.till()
    a.sync_pull()
    text = default_rules_text().replace('version = "default-2026.1"', f'version = "t-{new_id()[-6:]}"')
    (tmp_path / "r.toml").write_text(text, "utf-8")
    version = admin.load_rules(ho.db, tmp_path / "r.toml")["version"]
    try:
        rules = [c["rules"] for c in a.sync_pull() if c["kind"] == "rules"]
        assert rules == [{"version": version, "toml": text}]
    finally:
        (tmp_path / "d.toml").write_text(default_rules_text(), "utf-8")
        admin.load_rules(ho.db, tmp_path / "d.toml")
