"""Finding members by phone, last four digits, card payload and id; cards issued and replaced."""

from __future__ import annotations

import pytest

from storetime import at
from terminal.errors import PosError
from terminal.services import card_service, lookup, members

from svc_helpers import register


def test_every_kind_of_query_finds_the_member(term, admin):
    member = register(term, admin, "13812345678", when=at("2026-11-01 09:00"), name="张伟")
    card = card_service.issue(term, admin, member).payload
    for query in ("13812345678", "+86 138-1234-5678", "138 1234 5678", "5678", card, member, member.upper()):
        assert lookup.find_one(term, query)["member_id"] == member, query


def test_last_four_shared_by_several_lists_them_all(term, admin):
    a = register(term, admin, "13812345678", when=at("2026-11-01 09:00"))
    b = register(term, admin, "13912345678", when=at("2026-11-01 09:05"))
    assert [r["member_id"] for r in lookup.find(term, "5678")] == [a, b]
    with pytest.raises(PosError) as exc:
        lookup.find_one(term, "5678")
    assert exc.value.code == "member_ambiguous"
    assert [m["phone_masked"] for m in exc.value.params["matches"]] == ["138****5678", "139****5678"]


@pytest.mark.parametrize("query", ["12345", "abc", "1381234567", "+1 202", "   "])
def test_malformed_queries_are_refused_clearly(term, admin, query):
    register(term, admin, when=at("2026-11-01 09:00"))
    with pytest.raises(PosError) as exc:
        lookup.find_one(term, query)
    assert exc.value.code in ("member_not_found", "phone_invalid")


def test_replacing_a_card_revokes_the_old_one(term, admin):
    member = register(term, admin, when=at("2026-11-01 09:00"))
    old = card_service.issue(term, admin, member).payload
    new = card_service.issue(term, admin, member)
    assert new.revoked and lookup.find_one(term, new.payload)["member_id"] == member
    with pytest.raises(PosError) as exc:
        lookup.find_one(term, old)
    assert exc.value.code == "card_revoked"


def test_tampered_and_foreign_cards_are_refused(term, admin):
    member = register(term, admin, when=at("2026-11-01 09:00"))
    other = register(term, admin, "13912345678", when=at("2026-11-01 09:00"))
    card = card_service.issue(term, admin, member).payload
    tampered = card.replace(member, other)
    with pytest.raises(PosError) as exc:
        lookup.find_one(term, tampered)
    assert exc.value.code == "card_forged"
    from terminal import cards

    stranger = cards.new_device_key()
    foreign = cards.sign_card(stranger, "01a20000-0000-7000-8000-000000000001", member, 1_790_000_000)
    with pytest.raises(PosError) as exc:
        lookup.find_one(term, foreign)
    assert exc.value.code == "card_unknown_key"


def test_registration_refuses_bad_and_duplicate_phones(term, admin):
    register(term, admin, "13812345678", when=at("2026-11-01 09:00"))
    for bad in ("12345678901", "1381234567", "phone", "+86 10 1234 5678", ""):
        with pytest.raises(PosError) as exc:
            members.register(term, admin, bad)
        assert exc.value.code == "phone_invalid", bad
    with pytest.raises(PosError) as exc:
        members.register(term, admin, "+86 138 1234 5678")
    assert exc.value.code == "phone_taken"


def test_referral_gives_both_a_coupon(term, admin):
    referrer = register(term, admin, "13812345678", when=at("2026-11-01 09:00"))
    friend = members.register(term, admin, "13912345678", referrer="13812345678", at=at("2026-11-02 09:00"))
    assert sorted(c["template"] for c in friend.coupons) == ["REFERRAL", "WELCOME"]
    mine = [c["template"] for c in members.view(term, referrer, at("2026-11-02 10:00"))["coupons"]]
    assert sorted(mine) == ["REFERRAL", "WELCOME"]
