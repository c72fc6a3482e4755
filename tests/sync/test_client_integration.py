"""The sync client against the real head office (uvicorn on 127.0.0.1, SQLite and PostgreSQL):
enroll -> sales -> sync -> a second terminal pulls the member and sells to it; the same phone
registered at two terminals offline becomes one member whose cards work at both, points all kept."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from replica_helpers import at, buy, register
from sync.client import SyncClient
from terminal.services import card_service, lookup, maintenance, members, reads, refunds, replica, setup
from terminal.services.context import open_terminal


@pytest.fixture
def till(headoffice, tmp_path, clock):
    """make(store) -> a set-up terminal enrolled with the real head office."""
    from sync.headoffice import enroll
    from sync.headoffice.db import Database

    db = Database(headoffice.db_url)
    opened = []

    def make(store: str):
        t = open_terminal(tmp_path / f"till-{len(opened)}", clock)
        setup.init(t, store_name=store, admin_pin="1234", at=clock.now())
        code = enroll.create_code(db, store, datetime.now(timezone.utc), 30).code
        SyncClient(t, headoffice.url).enroll(code)
        opened.append(t)
        return t

    yield make
    for t in opened:
        t.store.close()
    db.close()


def _phone() -> str:
    return "139" + "".join(random.choice("0123456789") for _ in range(8))


def _view(t, query, when):
    return members.view(t, query, when)


def test_a_member_registered_at_one_store_buys_at_another(till, admin):
    one, two = till("一号店"), till("二号店")
    number = _phone()
    member = register(one, admin, number, when=at("2026-10-01 09:00"))
    first = buy(one, admin, member, at("2026-11-02 10:00"), ("general", 200000))  # reaches silver
    SyncClient(one).sync_once()
    assert replica.status(one, one.now())["events_waiting"] == 0
    SyncClient(two).sync_once()
    seen = _view(two, number, at("2026-11-02 11:00"))
    assert seen["member_id"] == member and seen["tier"] == "silver"
    assert seen["points_balance"] == _view(one, member, at("2026-11-02 11:00"))["points_balance"]
    assert seen["qualifying_fen"] == first["payable_fen"]
    sale = buy(two, admin, number, at("2026-11-02 12:00"), ("general", 10000), redeem=1000)
    assert sale["member"]["member_id"] == member and sale["points_redeemed"] == 1000
    expected = seen["points_balance"] - 1000 + sale["points_earned"] + sale["bonus_points"]
    assert _view(two, member, at("2026-11-02 13:00"))["points_balance"] == expected
    SyncClient(two).sync_once()
    SyncClient(one).sync_once()
    for t in (one, two):
        view = _view(t, member, at("2026-11-02 13:00"))
        assert view["points_balance"] == expected
        assert view["qualifying_fen"] == first["payable_fen"] + sale["payable_fen"]


def test_the_same_phone_registered_at_two_stores_offline_becomes_one_member(till, admin):
    one, two = till("一号店"), till("二号店")
    number = _phone()
    early = register(one, admin, number, when=at("2026-11-02 09:00"))
    late = register(two, admin, number, when=at("2026-11-02 09:30"))
    card_one = card_service.issue(one, admin, early, at=at("2026-11-02 09:01")).payload
    card_two = card_service.issue(two, admin, late, at=at("2026-11-02 09:31")).payload
    a = buy(one, admin, card_one, at("2026-11-02 10:00"), ("general", 10000))
    b = buy(two, admin, card_two, at("2026-11-02 10:30"), ("general", 20000))
    for _ in range(2):  # the second round carries the merge back to the terminal that pushed first
        SyncClient(one).sync_once()
        SyncClient(two).sync_once()
    when = at("2026-11-02 12:00")
    own_points = {}
    for t in (one, two):
        for query in (number, card_one, card_two, early, late):
            assert lookup.find_one(t, query)["member_id"] == early, query
        view = _view(t, number, when)
        own_points[t.terminal_id] = view["points_balance"]
        assert view["qualifying_fen"] == a["payable_fen"] + b["payable_fen"]
    earned = a["points_earned"] + a["bonus_points"] + b["points_earned"] + b["bonus_points"]
    assert set(own_points.values()) == {earned}
    sale = buy(two, admin, card_one, at("2026-11-02 13:00"), ("general", 1000))  # the other store's card
    assert sale["member"]["member_id"] == early


def test_a_till_told_more_than_head_office_holds_resends_from_the_409(till, admin, headoffice):
    """A till restored from a backup (or whose head office was): its acked_seq is ahead of what head
    office holds. The push's 409 seq_gap carries head office's acked_seq; the till resends from there."""
    from sync.headoffice.db import Database

    one = till("一号店")
    member = register(one, admin, _phone(), when=at("2026-11-02 09:00"))
    SyncClient(one).push()
    held = replica.acked_seq(one)
    buy(one, admin, member, at("2026-11-02 10:00"), ("general", 10000))
    one.store.set_setting("acked_seq", str(held + 2))  # told two more than head office holds
    buy(one, admin, member, at("2026-11-02 11:00"), ("general", 10000))  # the next push starts past a gap
    SyncClient(one).sync_once()
    assert replica.status(one, one.now())["events_waiting"] == 0
    db = Database(headoffice.db_url)
    try:
        with db.read() as tx:
            seqs = [r["seq"] for r in tx.all("SELECT seq FROM events WHERE terminal_id = ? ORDER BY seq",
                                             (one.terminal_id,))]
    finally:
        db.close()
    assert seqs == list(range(1, replica.acked_seq(one) + 1))


def test_points_a_refund_gives_back_into_an_expired_lot_count_for_nothing_at_both_stores(till, admin):
    """The refund writes their expiry at once (terminal/services/refunds.py): head office folds it
    after the restore, in its own order of events, so the other store gets the balance and the
    lots the refunding store has."""
    one, two = till("一号店"), till("二号店")
    number = _phone()
    member = register(one, admin, number, when=at("2025-09-01 09:00"))
    members.adjust_points(one, admin, member, 1000, "迁移旧积分", at("2025-09-01 10:00"))
    expiry = reads.points_state(one, member).lots[0].expires_at
    sale = buy(one, admin, member, expiry - timedelta(days=40), ("general", 5000), redeem=300)
    maintenance.maintain(one, admin, expiry + timedelta(hours=12))  # the other 700 expire
    done = refunds.refund(one, admin, sale["sale_id"], at=expiry + timedelta(days=1)).document
    assert done["points_restored_expired"] == 300 and done["points_balance"] == 0
    SyncClient(one).sync_once()
    SyncClient(two).sync_once()
    later = expiry + timedelta(days=2)
    assert _view(two, number, later)["points_balance"] == _view(one, member, later)["points_balance"] == 0
    assert [(lot.lot_id, lot.remaining) for lot in reads.points_state(two, member).lots] == [
        (lot.lot_id, lot.remaining) for lot in reads.points_state(one, member).lots]
    assert all(lot.remaining == 0 for lot in reads.points_state(two, member).lots)
