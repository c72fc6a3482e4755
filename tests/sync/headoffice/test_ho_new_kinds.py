"""Event kinds and payloads added for the terminal's paid membership, stored value refunds, consent
and erasure before the first push, on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ho_client import T0, at
from sync import protocol
from sync.headoffice import admin, conflicts
from terminal.ids import new_id


def _registration(phone=None, **extra):
    return {"phone": phone, "name": None, "birthday": None, "referrer_id": None, "tier": "regular", **extra}


def test_a_registration_without_a_phone_makes_a_member_without_personal_data(ho):
    a = ho.till()
    erased, plain = new_id(), new_id()
    a.event("member_registered", _registration(erased=True), erased, at(0))  # erased before its first push
    a.event("member_registered", {**_registration(), "name": "张三"}, plain, at(0))
    a.sale(erased, 150_000, at(1))
    a.earn(erased, 1500, at(1))
    a.sale(plain, 1_000, at(2))
    assert a.push().status_code == 200
    snap = a.member(erased)
    assert (snap["phone"], snap["name"], snap["birthday"], snap["status"]) == (None, None, None, "erased")
    assert sum(lot["remaining"] for lot in snap["points"]["lots"]) == 1500
    assert [s["qualifying_fen"] for s in snap["spends"]] == [150_000]
    other = a.member(plain)
    assert (other["phone"], other["name"], other["status"]) == (None, None, "active")
    assert a.quarantined == {}
    assert {r["status"] for r in ho.events_of(a)} == {"stored"}


def test_marketing_consent_is_last_writer_wins(ho):
    a, b = ho.till(), ho.till("二号店")
    member = a.register(when=at(0))
    a.event("member_consent", {"marketing": True, "at": at(50).isoformat()}, member, at(50))
    assert a.push().status_code == 200
    b.event("member_consent", {"marketing": False, "at": at(40).isoformat()}, member, at(40))  # older: loses
    b.event("member_consent", {"marketing": "yes"}, member, at(41))  # says neither: quarantined
    assert b.push().status_code == 200
    snap = a.member(member)
    assert snap["marketing_consent"] is True
    assert datetime.fromisoformat(snap["consent_at"]) == at(50)
    b.sync_pull()
    assert list(b.quarantined) == [2] and "marketing" in b.quarantined[2]
    b.event("member_consent", {"marketing_consent": False}, member, at(60))  # the older payload, dated by the event
    assert b.push().status_code == 200
    snap = a.member(member)
    assert snap["marketing_consent"] is False and datetime.fromisoformat(snap["consent_at"]) == at(60)
    assert snap["name"] == "会员" and snap["phone"]  # consent leaves the other fields alone


def test_a_stored_value_refund_credits_the_balance_and_the_overdraft_check(ho):
    a = ho.till()
    member = a.register(when=at(0))
    a.event("stored_value_topup", {"amount_fen": 10_000, "paid_fen": 10_000, "bonus_fen": 0, "pay_method": "cash"},
            member, at(1))
    a.event("stored_value_spent", {"amount_fen": 8_000}, member, at(2))
    a.event("stored_value_refunded", {"amount_fen": 3_000, "sale_id": new_id(), "refund_id": new_id()}, member, at(3))
    a.event("stored_value_spent", {"amount_fen": 5_000}, member, at(4))  # exactly the balance: no overdraft
    assert a.push().status_code == 200
    assert a.member(member)["stored_value_fen"] == 0
    assert not [c for c in admin.conflict_list(ho.db, "stored_value_overdraft") if c["member_id"] == member]
    a.event("stored_value_spent", {"amount_fen": 1_000}, member, at(5))
    a.event("stored_value_refunded", {"amount_fen": "lots"}, member, at(6))  # not an integer
    assert a.push().status_code == 200
    assert a.member(member)["stored_value_fen"] == -1_000
    found = [c for c in admin.conflict_list(ho.db, "stored_value_overdraft") if c["member_id"] == member]
    assert len(found) == 1 and found[0]["detail"]["balance_before_fen"] == 0
    assert list(a.quarantined) == [7]


def _grant(tier: str, starts: datetime, ends: datetime) -> dict:
    return {"tier": tier, "fee_fen": 19_900, "pay_method": "wechat", "starts_at": starts.isoformat(),
            "ends_at": ends.isoformat()}


def test_a_paid_membership_raises_the_tier_while_in_force(ho):
    now = datetime.now(timezone.utc)
    a = ho.till()
    paid, lapsed, earned = a.register(when=at(0)), a.register(when=at(0)), a.register(when=at(0))
    a.event("membership_purchased", _grant("gold", now - timedelta(days=1), now + timedelta(days=30)), paid, at(1))
    a.event("membership_purchased", _grant("gold", now - timedelta(days=60), now - timedelta(days=1)), lapsed, at(1))
    a.sale(earned, 150_000, now - timedelta(days=2))
    a.sale(earned, 60_000, now - timedelta(days=2))  # silver earned
    a.event("membership_purchased", _grant("silver", now - timedelta(days=1), now + timedelta(days=30)), earned, at(2))
    a.event("membership_purchased", _grant("gold", now, now - timedelta(days=1)), earned, at(3))  # ends first
    assert a.push().status_code == 200
    snap = a.member(paid)
    assert snap["tier"] == "gold" and snap["paid_tier"] == "gold"
    assert datetime.fromisoformat(snap["paid_until"]) == now + timedelta(days=30)
    assert datetime.fromisoformat(snap["tier_since"]) == now - timedelta(days=1)
    old = a.member(lapsed)
    assert old["tier"] == "regular" and old["paid_tier"] == "gold"  # the grant ended: the earned tier
    mine = a.member(earned)
    assert mine["tier"] == "silver" and mine["paid_tier"] == "silver"  # the higher of the two
    assert list(a.quarantined) == [len(a.log)] and "ends_at" in a.quarantined[len(a.log)]
    shown = admin.member_docs(ho.db, paid, now)[0]
    assert shown["tier"] == "gold" and shown["paid_tier"] == "gold"


def test_a_snapshot_without_the_new_fields_still_parses():
    doc = {"member_id": new_id(), "phone": None, "name": None, "birthday": None, "tier": "regular",
           "tier_since": T0, "registered_at": T0, "status": "active", "includes_seq": 0,
           "points": {"lots": [], "deficit": 0, "flagged": False, "consumed": {}}, "spends": [], "coupons": [],
           "cards": [], "bonus_months": {}}
    snap = protocol.MemberSnapshot.model_validate(doc)
    assert (snap.paid_tier, snap.paid_until, snap.marketing_consent, snap.consent_at) == (None, None, None, None)


def test_the_background_projector_applies_pushes_without_a_pull(ho):
    import time

    from sync.headoffice import projector

    a = ho.till()
    member = a.register(when=at(0))
    a.redeem(member, 100, at(1))  # nothing to redeem: an overdraft, recorded when applied
    assert a.push().status_code == 200
    deadline = time.monotonic() + 20
    while projector.behind(ho.db) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not projector.behind(ho.db)
    with ho.db.read() as tx:
        assert conflicts.listing(tx, "points_overdraft", member)
