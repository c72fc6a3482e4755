"""Coupons: codes, validity windows from templates, and whether a coupon may be used now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from terminal.rules import CouponTemplate


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
    raise NotImplementedError


def validity(template: CouponTemplate, issued_at: datetime, birthday: date | None) -> tuple[datetime, datetime]:
    """(valid_from, valid_to exclusive): issued_at + valid_days, or the birthday month (store time)."""
    raise NotImplementedError


def status(coupon: Coupon, as_of: datetime) -> str:
    """'used' | 'expired' | 'not_yet_valid' | 'available'."""
    raise NotImplementedError


def check_usable(coupon: Coupon, member_id: str | None, as_of: datetime) -> None:
    """PosError coupon_needs_member / coupon_not_owned / coupon_used / coupon_expired /
    coupon_not_yet_valid, or None when it may be used."""
    raise NotImplementedError
