"""The manager's chain-wide actions end to end, two real tills and a real head office (SQLite and
PostgreSQL): an erase at one till leaves no name, phone or birthday at the other or at head office;
stored value topped up at one till is spent at the other; a paid membership bought at one till
serves the member at the paid tier at the other; a replaced card is refused at the other."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from pathlib import Path

import pytest

from replica_helpers import register
from sync.client import SyncClient
from sync.headoffice import admin as ho_admin, enroll
from sync.headoffice.db import Database
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.services import card_service, checkout, lookup, members, membership, privacy, setup, stored_value
from terminal.services.context import open_terminal
from terminal.store.db import DB_NAME

NAME = "欧阳娜娜"
BIRTHDAY = "1990-05-06"


@pytest.fixture
def tills(headoffice, tmp_path, clock):
    db = Database(headoffice.db_url)
    opened = []
    for store in ("一号店", "二号店"):
        t = open_terminal(tmp_path / f"till-{len(opened)}", clock)
        setup.init(t, store_name=store, admin_pin="1234", at=clock.now())
        SyncClient(t, headoffice.url).enroll(enroll.create_code(db, store, datetime.now(timezone.utc), 30).code)
        opened.append(t)
    yield (*opened, db)
    for t in opened:
        t.store.close()
    db.close()


def _phone() -> str:
    return "137" + "".join(random.SystemRandom().choice("0123456789") for _ in range(8))


def _sync(*ts) -> None:
    for t in ts:
        SyncClient(t).sync_once()


def _file_bytes(t) -> bytes:
    t.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = t.data_dir
    return b"".join((folder / (DB_NAME + s)).read_bytes() for s in ("", "-wal")
                    if (folder / (DB_NAME + s)).exists())


def test_an_erase_reaches_the_other_till_and_head_office(tills, admin, clock, headoffice):
    one, two, db = tills
    number = _phone()
    member = register(one, admin, number, when=clock.now(), name=NAME, birthday=BIRTHDAY)
    checkout.sale(one, admin, checkout.SaleRequest((CartLine("general", 12000),), member), at=clock.now())
    _sync(one, two)
    assert members.view(two, number, clock.now())["name"] == NAME  # the other till knows them
    totals_before = ho_admin.member_docs(db, member, clock.now())[0]["points_balance"]

    privacy.erase(one, admin, number, "顾客要求注销", at=clock.now())
    _sync(one, two)

    for t in (one, two):
        with pytest.raises(PosError):
            lookup.find_one(t, number)
        content = _file_bytes(t)
        for needle in (number.encode(), ("+86" + number).encode(), NAME.encode(), BIRTHDAY.encode()):
            assert needle not in content, (t.store_name, needle)
    doc = ho_admin.member_docs(db, member, clock.now())[0]
    assert doc.get("phone") in (None, "") and doc.get("name") in (None, "") and doc.get("birthday") in (None, "")
    assert doc["points_balance"] == totals_before  # the pseudonymous ledger still adds up
    if headoffice.db_url.startswith("sqlite"):
        path = Path(headoffice.db_url.split("///", 1)[1])
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert ("+86" + number).encode() not in raw and NAME.encode() not in raw


def test_stored_value_topped_up_at_one_till_is_spent_at_the_other(tills, admin, clock):
    one, two, db = tills
    number = _phone()
    register(one, admin, number, when=clock.now())
    stored_value.topup(one, admin, number, 50_000, "cash", at=clock.now())  # 充500送50
    _sync(one, two)
    assert members.view(two, number, clock.now())["stored_value_fen"] == 55_000
    doc = checkout.sale(two, admin, checkout.SaleRequest((CartLine("general", 12_000),), number,
                                                         pay_method="stored_value"), at=clock.now()).document
    assert doc["stored_value_paid_fen"] == 12_000
    _sync(two, one)
    for t in (one, two):
        assert members.view(t, number, clock.now())["stored_value_fen"] == 43_000
    assert ho_admin.member_docs(db, number, clock.now())[0]["stored_value_fen"] == 43_000


def test_a_paid_membership_bought_at_one_till_serves_the_member_at_the_other(tills, admin, clock):
    one, two, _db = tills
    number = _phone()
    register(one, admin, number, when=clock.now())
    bought = membership.buy(one, admin, number, "wechat", at=clock.now()).document
    _sync(one, two)
    paid_tier = one.programme.paid_membership.tier
    view = members.view(two, number, clock.now())
    assert view["tier"] == paid_tier and view["paid_tier"] == paid_tier
    quote = checkout.quote(two, admin, checkout.SaleRequest((CartLine("general", 10_000),), number), at=clock.now())
    assert quote["tier_discount_fen"] == 10_000 * one.programme.tier(paid_tier).discount_percent / 100
    assert bought["ends_at"]


def test_a_card_replaced_at_one_till_is_refused_at_the_other(tills, admin, clock):
    one, two, _db = tills
    number = _phone()
    register(one, admin, number, when=clock.now())
    old = card_service.issue(one, admin, number).payload
    _sync(one, two)
    assert lookup.find_one(two, old)["phone"].endswith(number)
    new = card_service.issue(one, admin, number).payload
    _sync(one, two)
    with pytest.raises(PosError) as refused:
        lookup.find_one(two, old)
    assert refused.value.code == "card_revoked"
    assert lookup.find_one(two, new)["phone"].endswith(number)


def test_after_the_paid_period_the_other_till_serves_the_earned_tier(tills, admin, clock):
    """Head office sends the earned tier beside the served one, so a till that learned the member
    while the paid tier was in force drops back by itself when the period ends."""
    one, two, _db = tills
    number = _phone()
    register(one, admin, number, when=clock.now())
    checkout.sale(one, admin, checkout.SaleRequest((CartLine("general", 250_000),), number), at=clock.now())  # silver
    membership.buy(one, admin, number, "cash", at=clock.now())
    _sync(one, two)
    paid_tier = one.programme.paid_membership.tier
    assert members.view(two, number, clock.now())["tier"] == paid_tier
    clock.advance(days=366)
    later = members.view(two, number, clock.now())
    assert later["tier"] == later["earned_tier"] != paid_tier
    assert later["tier"] in ("silver", "regular")  # silver, or dropped by retention after a year without spend
