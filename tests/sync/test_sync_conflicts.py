"""The conflicts of issue 3 end to end, real tills and a real head office on SQLite and PostgreSQL:
the same points spent at two offline tills (the overdraft stays within the sum of the offline caps,
head office flags it and holds further redemption), and the same phone registered at two stores
offline (one member after sync, both cards work at both tills, every point kept)."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from replica_helpers import at, buy, register
from sync.client import SyncClient
from sync.headoffice import admin as ho_admin, enroll
from sync.headoffice.db import Database
from terminal.services import card_service, checkout, lookup, members, setup
from terminal.services.context import open_terminal
from terminal.pricing import CartLine


@pytest.fixture
def till(headoffice, tmp_path, clock):
    """make(store) -> a set-up till enrolled with the real head office (one clock for all)."""
    db = Database(headoffice.db_url)
    opened = []

    def make(store: str):
        t = open_terminal(tmp_path / f"till-{len(opened)}", clock)
        setup.init(t, store_name=store, admin_pin="1234", at=clock.now())
        SyncClient(t, headoffice.url).enroll(enroll.create_code(db, store, datetime.now(timezone.utc), 30).code)
        opened.append(t)
        return t

    make.db = db
    yield make
    for t in opened:
        t.store.close()
    db.close()


def _phone() -> str:
    return "139" + "".join(random.SystemRandom().choice("0123456789") for _ in range(8))


def _truth(db: Database, query: str, when: datetime) -> dict:
    docs = ho_admin.member_docs(db, query, when)
    assert len(docs) == 1
    return docs[0]


def _spend_all_allowed(t, actor, member: str, when: datetime) -> tuple[int, int]:
    """Offline sales redeeming as much as the till allows, until it allows nothing more:
    (points redeemed, points earned) at this till."""
    lines = (CartLine("general", 4000, 1),)  # 40 yuan: at most 2000 points by the 50% ratio
    redeemed = earned = 0
    for _ in range(10):
        allowed = checkout.quote(t, actor, checkout.SaleRequest(lines, member), at=when)["redeem_max"]["max_points"]
        if allowed == 0:
            break
        doc = checkout.sale(t, actor, checkout.SaleRequest(lines, member, None, allowed), at=when).document
        assert doc["offline"] is True
        redeemed += doc["points_redeemed"]
        earned += doc["points_earned"] + doc["bonus_points"]
    return redeemed, earned


def test_points_spent_at_two_offline_tills_overdraw_within_the_caps_and_are_flagged(till, admin, clock):
    one, two = till("一号店"), till("二号店")
    cap = one.programme.redeem.offline_cap_points
    number = _phone()
    member = register(one, admin, number, when=clock.now())
    start = buy(one, admin, member, clock.now(), ("general", 300000))  # 3000 points and the bonus: < 2 caps
    for t in (one, two):
        SyncClient(t).sync_once()
    before = _truth(till.db, member, clock.now())["points_balance"]
    assert before == start["points_balance"] > 0
    assert members.view(two, number, clock.now())["points_balance"] == before
    clock.advance(minutes=one.programme.redeem.offline_after_minutes + 1)  # both tills now offline
    spent_one, earned_one = _spend_all_allowed(one, admin, member, clock.now())
    spent_two, earned_two = _spend_all_allowed(two, admin, number, clock.now())
    assert spent_one == spent_two == cap  # each till alone spent up to its offline cap, no further
    for _ in range(2):  # the second round brings each till the other's redemptions
        for t in (one, two):
            SyncClient(t).sync_once()
    truth = _truth(till.db, member, clock.now())
    assert truth["points_balance"] == before - spent_one - spent_two + earned_one + earned_two
    overdraft = -(before - spent_one - spent_two)
    assert 0 < overdraft <= 2 * cap
    assert truth["points"]["flagged"] is True
    found = ho_admin.conflict_list(till.db, "points_overdraft")
    mine = [c for c in found if c["member_id"] == member]
    assert len(mine) >= 1
    assert {one.terminal_id, two.terminal_id} <= set(mine[-1]["detail"]["by_terminal"])
    for t in (one, two):  # online again: both tills see the negative balance and redeem nothing
        view = members.view(t, number, clock.now())
        assert view["points_balance"] == truth["points_balance"] < 0
        quote = checkout.quote(t, admin, checkout.SaleRequest((CartLine("general", 4000, 1),), number), at=clock.now())
        assert quote["redeem_max"]["max_points"] == 0


def test_same_phone_at_two_stores_offline_is_one_member_whose_cards_work_everywhere(till, admin, clock):
    one, two = till("一号店"), till("二号店")
    number = _phone()
    early = register(one, admin, number, when=at("2026-11-02 09:00"))
    late = register(two, admin, number, when=at("2026-11-02 09:30"))
    cards = {early: card_service.issue(one, admin, early, at=at("2026-11-02 09:01")).payload,
             late: card_service.issue(two, admin, late, at=at("2026-11-02 09:31")).payload}
    earned = 0
    for t, member, hour in ((one, cards[early], "10:00"), (two, cards[late], "10:30"), (two, late, "10:40")):
        sale = buy(t, admin, member, at(f"2026-11-02 {hour}"), ("fresh", 12000))
        earned += sale["points_earned"] + sale["bonus_points"]
    for _ in range(2):  # the second round carries the merge back to the till that pushed first
        for t in (one, two):
            SyncClient(t).sync_once()
    when = at("2026-11-02 12:00")
    truth = _truth(till.db, number, when)
    assert truth["member_id"] == early and truth["aliases"] == [late]
    assert truth["points_balance"] == earned  # nothing lost in the merge
    merges = [c for c in ho_admin.conflict_list(till.db, "phone_merged") if c["member_id"] == early]
    assert len(merges) == 1 and merges[0]["detail"]["merged"]["member_id"] == late
    for t in (one, two):
        for query in (number, early, late, *cards.values()):
            assert lookup.find_one(t, query)["member_id"] == early, query
        assert members.view(t, number, when)["points_balance"] == earned
    for n, (t, card) in enumerate(((one, cards[late]), (two, cards[early]), (one, cards[early]), (two, cards[late]))):
        sale = buy(t, admin, card, at(f"2026-11-02 13:0{n}"), ("general", 1000))
        assert sale["member"]["member_id"] == early
        earned += sale["points_earned"] + sale["bonus_points"]
    for _ in range(2):
        for t in (one, two):
            SyncClient(t).sync_once()
    assert _truth(till.db, number, when)["points_balance"] == earned
    for t in (one, two):
        assert members.view(t, late, when)["points_balance"] == earned
