"""Head office snapshots and the new money: the confirmed stored value plus this terminal's own newer
stored-value events (never counted twice), a snapshot that says nothing about stored value, an
overdraft head office reports, and the optional paid_tier / paid_until fields."""

from __future__ import annotations

import pytest

from replica_helpers import member_snapshot
from storetime import at
from terminal import clock as clocks
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import members, membership, replica, stored_value

from svc_helpers import buy, register

PHONE = "+8613812345678"


def _max_seq(t) -> int:
    return int(t.store.scalar("SELECT MAX(seq) FROM events"))


def test_confirmed_stored_value_plus_own_newer_events_once(term, cashier, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    stored_value.topup(term, cashier, member, 50_000, at=at("2026-11-02 10:00"))  # 550.00
    included = _max_seq(term)
    # Head office counted our top-up and a 200.00 top-up at another store.
    snap = dict(member_snapshot(member, PHONE, at("2026-10-01 09:00"), includes_seq=included),
                stored_value_fen=75_000)
    replica.apply_member_snapshot(term, snap)
    assert stored_value.balance(term, member) == 75_000
    sale = buy(term, cashier, member, at("2026-11-03 10:00"), ("general", 10_000), pay="stored_value")
    assert sale["stored_value_balance_fen"] == 65_000 == stored_value.balance(term, member)
    replica.apply_member_snapshot(term, snap)  # the same snapshot again: the sale is still on top, once
    assert stored_value.balance(term, member) == 65_000
    newer = dict(snap, includes_seq=_max_seq(term), stored_value_fen=65_000)
    replica.apply_member_snapshot(term, newer)
    assert stored_value.balance(term, member) == 65_000
    assert members.view(term, member, at("2026-11-03 11:00"))["stored_value_fen"] == 65_000
    shown = stored_value.show(term, member, at("2026-11-03 11:00"))
    assert shown["headoffice_fen"] == 65_000 and all(h["confirmed"] for h in shown["history"])


def test_a_snapshot_silent_on_stored_value_leaves_the_local_ledger(term, cashier, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    stored_value.topup(term, cashier, member, 10_000, at=at("2026-11-02 10:00"))
    snap = member_snapshot(member, PHONE, at("2026-10-01 09:00"), includes_seq=_max_seq(term))
    assert "stored_value_fen" not in snap
    replica.apply_member_snapshot(term, snap)
    assert stored_value.balance(term, member) == 10_000


def test_an_overdraft_head_office_reports_refuses_stored_value_payment(term, cashier, admin):
    member_id = new_id()  # spent twice offline at two stores: head office says -30.00
    snap = dict(member_snapshot(member_id, PHONE, at("2026-10-01 09:00")), stored_value_fen=-3_000)
    replica.apply_member_snapshot(term, snap)
    assert members.view(term, member_id, at("2026-11-02 10:00"))["stored_value_fen"] == -3_000
    with pytest.raises(PosError) as exc:
        buy(term, cashier, "5678", at("2026-11-02 10:00"), ("general", 100), pay="stored_value")
    assert exc.value.code == "stored_value_insufficient"
    stored_value.topup(term, cashier, "5678", 10_000, at=at("2026-11-02 10:05"))
    doc = buy(term, cashier, "5678", at("2026-11-02 10:10"), ("general", 7_000), pay="stored_value")
    assert doc["stored_value_balance_fen"] == 0


def test_paid_period_from_head_office_and_own_newer_purchases(term, cashier, admin):
    member_id = new_id()
    until = at("2027-06-01 00:00")
    # head office's `tier` is the tier it serves the member at: raised by the paid period
    snap = dict(member_snapshot(member_id, PHONE, at("2026-10-01 09:00"), tier="gold"), paid_tier="gold",
                paid_until=clocks.to_text(until))
    replica.apply_member_snapshot(term, snap)
    view = members.view(term, member_id, at("2026-11-02 10:00"))
    assert (view["tier"], view["earned_tier"], view["paid_tier"]) == ("gold", "regular", "gold")
    assert view["paid_until"] == clocks.to_text(until)
    assert members.view(term, member_id, at("2027-06-01 00:00"))["tier"] == "regular"  # not gold for good
    # Renewed here before head office hears of it: from head office's end, kept over the next pull.
    renewed = membership.buy(term, cashier, member_id, at=at("2026-11-02 10:00")).document
    assert renewed["starts_at"] == clocks.to_text(until) and renewed["ends_at"].startswith("2028-06-01")
    replica.apply_member_snapshot(term, snap)
    assert members.view(term, member_id, at("2027-07-01 10:00"))["tier"] == "gold"
    # Head office counted the renewal: its period replaces ours.
    counted = dict(snap, includes_seq=_max_seq(term), paid_until=renewed["ends_at"])
    replica.apply_member_snapshot(term, counted)
    assert term.store.scalar("SELECT COUNT(*) FROM membership_grants") == 1
    assert members.view(term, member_id, at("2027-07-01 10:00"))["paid_until"] == renewed["ends_at"]
    # Head office says the paid period is over (e.g. cancelled there): back to the earned tier.
    replica.apply_member_snapshot(term, dict(counted, tier="regular", paid_tier=None, paid_until=None))
    assert members.view(term, member_id, at("2026-11-03 10:00"))["tier"] == "regular"


def test_the_earned_tier_survives_a_snapshot_raised_by_a_paid_period(term, cashier, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    buy(term, cashier, member, at("2026-11-03 10:00"), ("general", 250_000))  # earned silver here
    bought = membership.buy(term, cashier, member, at=at("2026-11-03 11:00")).document
    raised = dict(member_snapshot(member, PHONE, at("2026-10-01 09:00"), includes_seq=_max_seq(term), tier="gold"),
                  tier_since=bought["starts_at"], paid_tier="gold", paid_until=bought["ends_at"])
    replica.apply_member_snapshot(term, raised, at("2026-11-03 12:00"))
    view = members.view(term, member, at("2026-11-04 10:00"))
    assert (view["tier"], view["earned_tier"], view["paid_until"]) == ("gold", "silver", bought["ends_at"])
    assert view["tier_since"] == bought["starts_at"]
    assert members.view(term, member, at("2027-06-01 10:00"))["earned_tier"] == "silver"
    # lapsed (and silver's first anniversary passed without spend): regular, never a leftover gold
    assert members.view(term, member, at("2027-11-03 11:00"))["tier"] == "regular"
    # head office may say the earned tier outright
    said = dict(raised, earned_tier="diamond", earned_since=clocks.to_text(at("2026-11-01 10:00")))
    replica.apply_member_snapshot(term, said, at("2026-11-03 12:00"))
    assert members.view(term, member, at("2026-11-04 10:00"))["tier"] == "diamond"


def test_a_snapshot_silent_on_paid_membership_keeps_own_grants(term, cashier, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    membership.buy(term, cashier, member, at=at("2026-11-02 10:00"))
    replica.apply_member_snapshot(term, member_snapshot(member, PHONE, at("2026-10-01 09:00"),
                                                        includes_seq=_max_seq(term)))
    assert members.view(term, member, at("2026-11-03 10:00"))["tier"] == "gold"
