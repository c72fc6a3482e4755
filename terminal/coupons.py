"""Coupons: codes, validity windows from templates, and whether a coupon may be used now."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from terminal.errors import PosError
from terminal.rules import CouponTemplate

# Crockford base32: no I, L, O or U, so a code read aloud or off a slip is not mistyped.
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10


@dataclass(frozen=True)
class Coupon:
    code: str
    template: str
    member_id: str
    valid_from: datetime
    valid_to: datetime  # exclusive
    used_sale_id: str | None = None


def new_code() -> str:
    """A short code a cashier can type: 10 characters of Crockford base32, e.g. 'C7K3M9QX2A'."""
    return "".join(secrets.choice(CROCKFORD) for _ in range(CODE_LENGTH))


def validity(template: CouponTemplate, issued_at: datetime, birthday: date | None) -> tuple[datetime, datetime]:
    """(valid_from, valid_to exclusive): issued_at + valid_days, or the birthday month (store time)."""
    if template.validity == "days":
        assert template.valid_days is not None  # the template validator guarantees it
        return issued_at, issued_at + timedelta(days=template.valid_days)
    if birthday is None:
        raise PosError("birthday_required")
    # The coming birthday month: this one if it is now, else the next one (maybe next year).
    year = issued_at.year + (1 if birthday.month < issued_at.month else 0)
    start = datetime(year, birthday.month, 1, tzinfo=issued_at.tzinfo)
    if birthday.month == 12:
        end = datetime(year + 1, 1, 1, tzinfo=issued_at.tzinfo)
    else:
        end = datetime(year, birthday.month + 1, 1, tzinfo=issued_at.tzinfo)
    return start, end


def status(coupon: Coupon, as_of: datetime) -> str:
    """'used' | 'expired' | 'not_yet_valid' | 'available'."""
    if coupon.used_sale_id is not None:
        return "used"
    if as_of >= coupon.valid_to:
        return "expired"
    if as_of < coupon.valid_from:
        return "not_yet_valid"
    return "available"


def check_usable(coupon: Coupon, member_id: str | None, as_of: datetime) -> None:
    """PosError coupon_needs_member / coupon_not_owned / coupon_used / coupon_expired /
    coupon_not_yet_valid, or None when it may be used."""
    if member_id is None:
        raise PosError("coupon_needs_member")
    if coupon.member_id != member_id:
        raise PosError("coupon_not_owned", code=coupon.code)
    state = status(coupon, as_of)
    if state == "used":
        raise PosError("coupon_used", code=coupon.code)
    if state == "expired":
        last_day = (coupon.valid_to - timedelta(microseconds=1)).date()  # valid_to is exclusive
        raise PosError("coupon_expired", code=coupon.code, valid_to=last_day.isoformat())
    if state == "not_yet_valid":
        raise PosError("coupon_not_yet_valid", code=coupon.code)
    return None

