"""The terminal as a replica: outbox and ack, head office snapshots applied with includes_seq
(own newer events counted exactly once), merges (alias id and card find the canonical member, the
phone moves), coupons used elsewhere, signing keys, rules, and the status."""

from __future__ import annotations

import pytest

from storetime import at
from replica_helpers import coupon, lot, member_snapshot, points_json, spend
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import card_service, lookup, members, reads, refunds, replica

from svc_helpers import buy, register

OTHER_TERMINAL = "0190a0a0-0000-7000-8000-000000000001"
PHONE = "+8613812345678"


def _max_seq(t) -> int:
    return int(t.store.scalar("SELECT MAX(seq) FROM events"))


def _balance(t, member_id, when) -> int:
    return members.view(t, member_id, when)["points_balance"]


def test_outbox_in_seq_order_and_ack(term, admin):
    register(term, admin, when=at("2026-11-02 09:00"))
    last = _max_seq(term)
    first = replica.outbox(term, 2)
    assert [e["seq"] for e in first] == [1, 2]
    assert set(first[0]) == {"event_id", "terminal_id", "seq", "kind", "occurred_at", "member_id", "staff_id",
                             "payload"}
    assert isinstance(first[0]["payload"], dict) and first[0]["terminal_id"] == term.terminal_id
    assert replica.outbox(term, 2) == first  # the same events, the same dicts: a resend is identical
    assert replica.mark_acked(term, 2) == 2
    assert [e["seq"] for e in replica.outbox(term, 100)] == list(range(3, last + 1))
    assert replica.mark_acked(term, last + 50) == last  # never beyond what exists here
    assert replica.outbox(term, 100) == []
    assert replica.mark_acked(term, 1) == 1  # head office's word: it holds less, the rest is resent
    assert len(replica.outbox(term, 100)) == last - 1


def test_own_spend_rows_remember_their_event_seq(term, admin):
    member = register(term, admin, when=at("2026-11-02 09:00"))
    doc = buy(term, admin, member, at("2026-11-02 10:00"), ("general", 10000))
    seq = term.store.scalar("SELECT seq FROM events WHERE kind = 'sale'")
    row = term.store.one("SELECT * FROM spends WHERE ref_id = ?", (doc["sale_id"],))
    assert row["seq"] == seq and row["origin"] == "local"


def test_migration_gives_old_spend_rows_the_seq_of_their_event(tmp_path):
    import sqlite3

    from sqlite_utils import Database

    from terminal.store import open_store
    from terminal.store.schema import migrations

    path = tmp_path / "old.db"
    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before="m003_replica")  # a store from before sync
    db.execute("INSERT INTO events VALUES (1, 'e1', 't', 'sale', '2026-11-02T10:00:00+08:00', 'm', NULL,"
               " '{\"sale_id\":\"s1\"}')")
    db.execute("INSERT INTO events VALUES (2, 'e2', 't', 'refund', '2026-11-02T11:00:00+08:00', 'm', NULL,"
               " '{\"refund_id\":\"r1\",\"sale_id\":\"s1\"}')")
    db.execute("INSERT INTO spends VALUES ('m', '2026-11-02T10:00:00+08:00', 100, 1, 's1')")
    db.execute("INSERT INTO spends VALUES ('m', '2026-11-02T11:00:00+08:00', -100, 0, 'r1')")
    db.conn.commit()
    db.conn.close()
    store = open_store(path)
    assert [tuple(r) for r in store.all("SELECT ref_id, seq, origin FROM spends ORDER BY seq")] == [
        ("s1", 1, "local"), ("r1", 2, "local")]
    store.close()


def test_a_member_registered_elsewhere_is_found_and_sold_to(term, admin, programme):
    member_id = new_id()
    earned = lot(new_id(), at("2026-10-10 10:00"), 800, programme)
    snap = member_snapshot(member_id, PHONE, at("2026-10-01 09:00"), points=points_json(None, earned),
                           spends=[spend(new_id(), at("2026-10-10 10:00"), 80000, OTHER_TERMINAL)],
                           coupons=[coupon("WELCOMEX1", "WELCOME", at("2026-10-01 09:00"), at("2026-12-31 00:00"))])
    assert replica.apply_member_snapshot(term, snap) == member_id
    for query in (PHONE, "13812345678", "5678", member_id):
        assert lookup.find_one(term, query)["member_id"] == member_id
    view = members.view(term, member_id, at("2026-11-02 10:00"))
    assert view["points_balance"] == 800 and view["qualifying_fen"] == 80000
    assert [c["status"] for c in view["coupons"]] == ["available"]
    doc = buy(term, admin, "5678", at("2026-11-02 10:00"), ("general", 10000), redeem=500)
    assert doc["member"]["member_id"] == member_id and doc["points_redeemed"] == 500
    assert _balance(term, member_id, at("2026-11-02 11:00")) == 800 - 500 + doc["points_earned"] + doc["bonus_points"]
    assert members.view(term, member_id, at("2026-11-02 11:00"))["qualifying_fen"] == 80000 + doc["payable_fen"]


def test_own_events_after_includes_seq_are_added_exactly_once(term, admin, programme):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    first = buy(term, admin, member, at("2026-11-02 10:00"), ("general", 30000))
    included = _max_seq(term)
    state_then = reads.points_state(term, member)
    balance_then = state_then.balance(at("2026-11-02 10:30"))
    # Head office holds our events through `included`, and a sale at another store.
    elsewhere = lot(new_id(), at("2026-11-01 10:00"), 500, programme)
    snap = member_snapshot(
        member, PHONE, at("2026-10-01 09:00"), includes_seq=included, points=points_json(state_then, elsewhere),
        spends=[spend(first["sale_id"], at("2026-11-02 10:00"), first["payable_fen"], term.terminal_id),
                spend(new_id(), at("2026-11-01 10:00"), 50000, OTHER_TERMINAL)])
    replica.apply_member_snapshot(term, snap)
    assert _balance(term, member, at("2026-11-02 10:30")) == balance_then + 500  # not our sale twice
    assert members.view(term, member, at("2026-11-02 10:30"))["qualifying_fen"] == first["payable_fen"] + 50000
    # A sale here after the snapshot: on top, once.
    second = buy(term, admin, member, at("2026-11-03 10:00"), ("general", 20000))
    gained = second["points_earned"] + second["bonus_points"]
    assert _balance(term, member, at("2026-11-03 10:30")) == balance_then + 500 + gained
    assert second["points_balance"] == balance_then + 500 + gained
    expected_spend = first["payable_fen"] + 50000 + second["payable_fen"]
    assert members.view(term, member, at("2026-11-03 10:30"))["qualifying_fen"] == expected_spend
    # The same snapshot pulled again changes nothing; a newer one that includes the second sale
    # replaces it, still counted once.
    replica.apply_member_snapshot(term, snap)
    assert _balance(term, member, at("2026-11-03 10:30")) == balance_then + 500 + gained
    newer = dict(snap, includes_seq=_max_seq(term),
                 points=points_json(reads.points_state(term, member)),
                 spends=[*snap["spends"], spend(second["sale_id"], at("2026-11-03 10:00"), second["payable_fen"],
                                               term.terminal_id)])
    replica.apply_member_snapshot(term, newer)
    assert _balance(term, member, at("2026-11-03 10:30")) == balance_then + 500 + gained
    assert members.view(term, member, at("2026-11-03 10:30"))["qualifying_fen"] == expected_spend


def test_merge_alias_card_and_id_find_the_canonical_member_and_the_phone_moves(term, admin, programme):
    local = register(term, admin, when=at("2026-11-02 09:00"))  # registered here, offline
    card = card_service.issue(term, admin, local, at=at("2026-11-02 09:01"))
    included = _max_seq(term)
    here = buy(term, admin, card.payload, at("2026-11-02 10:00"), ("general", 10000))  # not yet at head office
    canonical = new_id()  # the same phone, registered earlier at another store
    elsewhere = lot(new_id(), at("2026-10-05 10:00"), 300, programme)
    snap = member_snapshot(canonical, PHONE, at("2026-10-01 09:00"), includes_seq=included, aliases=[local],
                           points=points_json(None, elsewhere))
    replica.apply_member_snapshot(term, snap)
    for query in (PHONE, "5678", local, canonical, card.payload):
        assert lookup.find_one(term, query)["member_id"] == canonical, query
    assert [r["member_id"] for r in lookup.find(term, "5678")] == [canonical]
    assert card_service.verify(term, card.payload)["member_id"] == canonical
    alias = term.store.one("SELECT phone, merged_into FROM members WHERE member_id = ?", (local,))
    assert alias["phone"] is None and alias["merged_into"] == canonical
    # Head office has 300 elsewhere; the sale made here under the alias id comes on top, once.
    gained = here["points_earned"] + here["bonus_points"]
    assert _balance(term, canonical, at("2026-11-02 11:00")) == 300 + gained
    doc = buy(term, admin, card.payload, at("2026-11-02 12:00"), ("general", 5000))
    assert doc["member"]["member_id"] == canonical
    assert members.view(term, canonical, at("2026-11-02 13:00"))["qualifying_fen"] == (
        here["payable_fen"] + doc["payable_fen"])
    with pytest.raises(PosError) as exc:
        members.register(term, admin, "13812345678")
    assert exc.value.code == "phone_taken"
    # Refunding the sale made under the alias id takes its points and spend from the canonical member.
    refunded = refunds.refund(term, admin, here["sale_id"], at=at("2026-11-02 14:00")).document
    assert refunded["member_id"] == canonical
    assert _balance(term, canonical, at("2026-11-02 15:00")) == 300 + doc["points_earned"] + doc["bonus_points"]
    assert members.view(term, canonical, at("2026-11-02 15:00"))["qualifying_fen"] == doc["payable_fen"]


def test_two_members_with_one_phone_until_head_office_merges_them(term, admin):
    local = register(term, admin, when=at("2026-11-02 09:00"))
    canonical = new_id()
    snap = member_snapshot(canonical, PHONE, at("2026-10-01 09:00"))
    replica.apply_member_snapshot(term, snap)  # the merge has not reached this terminal yet
    assert lookup.find_one(term, PHONE)["member_id"] == local
    assert {r["member_id"] for r in lookup.find(term, "5678")} == {local, canonical}
    unseen = new_id()  # registered at a third terminal, merged too: its id finds the member here
    replica.apply_member_snapshot(term, dict(snap, aliases=[local, unseen]))
    assert lookup.find_one(term, PHONE)["member_id"] == canonical
    assert lookup.find_one(term, unseen)["member_id"] == canonical
    assert [r["member_id"] for r in lookup.find(term, "5678")] == [canonical]


def test_a_coupon_used_elsewhere_shows_used_and_a_local_use_is_kept(term, admin):
    member = register(term, admin, when=at("2026-10-25 09:00"))
    welcome = members.view(term, member, at("2026-11-02 09:00"))["coupons"][0]
    used = buy(term, admin, member, at("2026-11-02 10:00"), ("general", 20000), coupon=welcome["code"])
    assert used["coupon_code"] == welcome["code"]
    other = coupon("RECALLX2", "RECALL", at("2026-10-20 09:00"), at("2026-12-31 00:00"),
                   used_sale_id=new_id(), used_at=at("2026-11-01 12:00"))
    mine = coupon(welcome["code"], "WELCOME", at("2026-10-25 09:00"), at("2026-11-24 00:00"))  # head office: unused
    replica.apply_member_snapshot(term, member_snapshot(member, PHONE, at("2026-10-25 09:00"), coupons=[mine, other]))
    statuses = {c["code"]: c["status"] for c in members.view(term, member, at("2026-11-02 11:00"))["coupons"]}
    assert statuses == {welcome["code"]: "used", "RECALLX2": "used"}
    with pytest.raises(PosError) as exc:
        buy(term, admin, member, at("2026-11-02 12:00"), ("general", 20000), coupon="RECALLX2")
    assert exc.value.code == "coupon_used"


def test_own_newer_tier_change_stays_provisionally(term, admin):
    member = register(term, admin, when=at("2026-10-01 09:00"))
    included = _max_seq(term)
    buy(term, admin, member, at("2026-11-02 10:00"), ("general", 200000))  # reaches silver here
    replica.apply_member_snapshot(term, member_snapshot(member, PHONE, at("2026-10-01 09:00"), includes_seq=included))
    assert members.view(term, member, at("2026-11-02 11:00"))["tier"] == "silver"
    replica.apply_member_snapshot(term, member_snapshot(member, PHONE, at("2026-10-01 09:00"),
                                                        includes_seq=_max_seq(term), tier="gold"))
    assert members.view(term, member, at("2026-11-02 11:00"))["tier"] == "gold"  # head office decides


def test_revoked_terminal_key_verifies_no_new_card_but_known_cards_work(term, admin, tmp_path, clock):
    from terminal.services import setup
    from terminal.services.context import open_terminal

    other = open_terminal(tmp_path / "other", clock)
    setup.init(other, store_name="别店", admin_pin="1234", at=clock.now())
    key = other.device_key()
    member = register(other, admin, "13912345678", when=at("2026-10-01 09:00"))
    issued = card_service.issue(other, admin, member, at=at("2026-10-01 09:05"))
    replica.apply_member_snapshot(term, member_snapshot(member, "+8613912345678", at("2026-10-01 09:00")))
    body = {"terminal_id": other.terminal_id, "key_id": key.key_id, "public_key": key.public_raw.hex()}
    replica.apply_terminal_key(term, dict(body, revoked=False))
    assert lookup.find_one(term, issued.payload)["member_id"] == member  # verified with the pulled key
    replica.apply_terminal_key(term, dict(body, revoked=True))
    with pytest.raises(PosError) as exc:
        lookup.find_one(term, issued.payload)
    assert exc.value.code == "card_unknown_key"
    snap = member_snapshot(member, "+8613912345678", at("2026-10-01 09:00"), cards=[{
        "card_id": issued.card_id, "key_id": key.key_id, "payload": issued.payload,
        "issued_at": "2026-10-01T09:05:00+08:00", "revoked_at": None}])
    replica.apply_member_snapshot(term, snap)  # a card head office knows keeps working
    assert lookup.find_one(term, issued.payload)["member_id"] == member
    with pytest.raises(PosError):
        replica.apply_terminal_key(term, dict(body, key_id="0" * 16, revoked=False))
    other.store.close()


def test_rules_from_head_office_are_stored_and_activated(term):
    from terminal.services import setup

    text = setup.rules_text(term).replace(f'version = "{term.programme.version}"', 'version = "ho-2"')
    assert replica.apply_rules(term, {"version": "ho-2", "toml": text}) is True
    assert term.programme.version == "ho-2"
    assert replica.apply_rules(term, {"version": "ho-2", "toml": text}) is False
    with pytest.raises(PosError):
        replica.apply_rules(term, {"version": "bad", "toml": "not toml ["})
    assert term.programme.version == "ho-2"


def test_a_bad_change_is_skipped_alone(term):
    member_id = new_id()
    good = {"id": 1, "kind": "member", "member": member_snapshot(member_id, PHONE, at("2026-10-01 09:00"))}
    bad = {"id": 2, "kind": "rules", "rules": {"version": "x", "toml": "not toml ["}}
    skipped = replica.apply_page(term, [bad, good], cursor=2)
    assert [s["id"] for s in skipped] == [2]
    assert replica.pull_cursor(term) == 2 and lookup.find_one(term, PHONE)["member_id"] == member_id


def test_status_and_record_sync(term, admin):
    register(term, admin, when=at("2026-11-02 09:00"))
    now = at("2026-11-02 10:00")
    s = replica.status(term, now)
    assert s["enrolled"] is False and s["online"] is False and s["offline_for_redeem"] is False
    assert s["events_waiting"] == _max_seq(term) and s["last_success"] is None
    term.store.set_setting("headoffice_url", "http://127.0.0.1:9")
    assert replica.status(term, now)["offline_for_redeem"] is True
    replica.record_sync(term, True, now)
    s = replica.status(term, at("2026-11-02 10:05"))
    assert s["online"] is True and s["offline_for_redeem"] is False and s["last_success_age_s"] == 300
    replica.record_sync(term, False, at("2026-11-02 10:06"), {"code": "headoffice_unreachable", "message": "x"})
    s = replica.status(term, at("2026-11-02 10:07"))
    assert s["online"] is False and s["last_error"]["code"] == "headoffice_unreachable"
    assert s["last_success"] == "2026-11-02T10:00:00.000000+08:00"
    assert replica.status(term, at("2026-11-02 10:11"))["offline_for_redeem"] is True
