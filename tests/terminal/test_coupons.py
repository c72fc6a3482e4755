"""Coupons: codes a cashier can type, validity windows, and when a coupon may be used."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from storetime import TZ, at

from terminal.coupons import Coupon, check_usable, new_code, status, validity
from terminal.errors import PosError


def test_codes_are_ten_crockford_characters_and_unique():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}", c) for c in codes)
    assert not set("ILOU") & set("".join(codes))


def test_days_validity_counts_from_issue(programme):
    issued = at("2026-11-21 10:00")
    start, end = validity(programme.coupon_template("WELCOME"), issued, None)
    assert (start, end) == (issued, at("2026-12-21 10:00"))
    assert validity(programme.coupon_template("REFERRAL"), issued, None)[1] == at("2027-01-20 10:00")


@pytest.mark.parametrize(
    ("issued", "birthday", "start", "end"),
    [
        ("2026-03-01 00:05", date(1990, 3, 14), "2026-03-01 00:00", "2026-04-01 00:00"),
        ("2026-12-01 08:00", date(1985, 12, 31), "2026-12-01 00:00", "2027-01-01 00:00"),
        ("2026-11-21 10:00", date(1985, 12, 2), "2026-12-01 00:00", "2027-01-01 00:00"),
        ("2026-11-21 10:00", date(2000, 2, 29), "2027-02-01 00:00", "2027-03-01 00:00"),
        ("2026-12-15 10:00", date(1990, 1, 9), "2027-01-01 00:00", "2027-02-01 00:00"),
    ],
)
def test_birthday_coupon_covers_the_coming_birthday_month(programme, issued, birthday, start, end):
    window = validity(programme.coupon_template("BIRTHDAY"), at(issued), birthday)
    assert window == (at(start), at(end))
    assert window[0].tzinfo is TZ


def test_birthday_coupon_needs_a_birthday(programme):
    with pytest.raises(PosError) as err:
        validity(programme.coupon_template("BIRTHDAY"), at("2026-11-21 10:00"), None)
    assert err.value.code == "birthday_required"


def coupon(start: str, end: str, used: str | None = None) -> Coupon:
    return Coupon("C7K3M9QX2A", "WELCOME", "m1", at(start), at(end), used_sale_id=used)


def test_status_moves_from_not_yet_valid_to_available_to_expired():
    c = coupon("2026-12-01 00:00", "2027-01-01 00:00")
    assert status(c, at("2026-11-30 23:59")) == "not_yet_valid"
    assert status(c, at("2026-12-01 00:00")) == "available"
    assert status(c, at("2027-01-01 00:00") - timedelta(microseconds=1)) == "available"
    assert status(c, at("2027-01-01 00:00")) == "expired"
    used = coupon("2026-12-01 00:00", "2027-01-01 00:00", used="sale-1")
    assert status(used, at("2026-12-10 12:00")) == "used"
    assert status(used, at("2027-03-01 12:00")) == "used"  # used stays used, never "expired"


def test_check_usable_says_why_not(programme):
    c = coupon("2026-12-01 00:00", "2027-01-01 00:00")
    check_usable(c, "m1", at("2026-12-31 23:59"))
    cases = [
        (c, None, "2026-12-10 12:00", "coupon_needs_member"),
        (c, "m2", "2026-12-10 12:00", "coupon_not_owned"),
        (coupon("2026-12-01 00:00", "2027-01-01 00:00", used="s"), "m1", "2026-12-10 12:00",
         "coupon_used"),
        (c, "m1", "2026-11-30 12:00", "coupon_not_yet_valid"),
        (c, "m1", "2027-01-01 00:00", "coupon_expired"),
    ]
    for cpn, member, when, code in cases:
        with pytest.raises(PosError) as err:
            check_usable(cpn, member, at(when))
        assert err.value.code == code


def test_expired_message_shows_the_last_valid_day(programme):
    with pytest.raises(PosError) as err:
        check_usable(coupon("2026-12-01 00:00", "2027-01-01 00:00"), "m1", at("2027-01-05 09:00"))
    assert err.value.message("zh") == "优惠券已过期：C7K3M9QX2A（有效期至 2026-12-31）"
    issued = at("2026-11-21 10:00")
    start, end = validity(programme.coupon_template("WELCOME"), issued, None)
    welcome = Coupon("W", "WELCOME", "m1", start, end)
    with pytest.raises(PosError) as err:
        check_usable(welcome, "m1", at("2026-12-22 09:00"))
    assert err.value.params["valid_to"] == "2026-12-21"  # usable until 10:00 that day
