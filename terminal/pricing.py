"""Pricing: one pure function, in the declared order, explained step by step.

lines -> tier discount (per line, half-up; excluded categories skipped) -> one coupon (threshold on
the eligible subtotal after tier discount, allocated to eligible lines) -> points redemption (a tender,
allocated to all lines) -> payable. Points are then earned on what was paid other than by points.
Order-level amounts are allocated by largest remainder in fen, ties to the earlier line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Sequence

from terminal.rules import CouponTemplate, Programme

MAX_QTY = 9999


@dataclass(frozen=True)
class CartLine:
    category: str
    unit_price_fen: int
    qty: int = 1


@dataclass(frozen=True)
class AppliedCoupon:
    """A coupon the service has already checked is the member's, unused and in date."""

    code: str
    template: CouponTemplate


@dataclass(frozen=True)
class PricedLine:
    line_no: int  # 1-based
    category: str
    qty: int
    unit_price_fen: int
    amount_fen: int  # unit_price_fen * qty
    tier_discount_fen: int
    coupon_discount_fen: int
    points_value_fen: int  # share of the points tender
    paid_fen: int  # amount - tier - coupon - points value: what was paid other than by points
    multiplier: Fraction  # tier multiplier x highest campaign multiplier (0 for excluded)
    campaign: str | None  # "weekend" | "category" | "birthday" | None
    points_exact: Fraction  # paid_fen / fen_per_point * multiplier
    points: int  # this line's share of the floored total (largest remainder), sums to points_earned


@dataclass(frozen=True)
class Explanation:
    """One receipt line: what was done, by which rule, for how much."""

    step: str  # "tier_discount" | "coupon" | "points_redeemed" | "points_earned"
    text_zh: str
    text_en: str
    amount_fen: int = 0
    points: int = 0


@dataclass(frozen=True)
class Quote:
    lines: tuple[PricedLine, ...]
    subtotal_fen: int
    tier_discount_fen: int
    coupon_code: str | None
    coupon_discount_fen: int
    amount_due_fen: int  # after tier discount and coupon, before the points tender
    points_redeemed: int
    points_value_fen: int
    payable_fen: int
    points_earned: int  # floored once for the whole sale
    explanations: tuple[Explanation, ...]


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` (>= 0) over `weights` (>= 0) in proportion; largest remainder, ties to the earlier.

    The parts sum to exactly `total`. With all weights zero everything goes nowhere: requires
    total == 0 then. Never gives a part above its weight when total <= sum(weights).
    """
    raise NotImplementedError


def earn_multiplier(
    category: str, tier_id: str | None, occurred_at: datetime, birthday: date | None, programme: Programme
) -> tuple[Fraction, str | None]:
    """Tier multiplier x the highest campaign multiplier that applies (campaigns do not stack).

    Excluded categories and sales without a member earn 0. Returns (multiplier, campaign name).
    """
    raise NotImplementedError


def coupon_discount(template: CouponTemplate, eligible_subtotal_fen: int) -> int:
    """The coupon's discount on an eligible subtotal; raises PosError('coupon_threshold') below the
    threshold. Never more than the eligible subtotal. Percent coupons round half-up to the fen."""
    raise NotImplementedError


def price(
    lines: Sequence[CartLine],
    programme: Programme,
    *,
    tier_id: str | None,
    occurred_at: datetime,
    birthday: date | None = None,
    coupon: AppliedCoupon | None = None,
    redeem_points: int = 0,
) -> Quote:
    """Price a cart. `tier_id` None means no member: no tier discount, no points either way.

    Validates lines (known category, 0 < qty <= MAX_QTY, unit price within money.MAX_AMOUNT_FEN,
    at least one line) with PosError. The redemption amount must already have been checked against
    the cap by points.redeem_limit; here it is only required not to exceed amount_due_fen.
    """
    raise NotImplementedError
