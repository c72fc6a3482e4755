"""Points rules that are not pricing: the redemption cap and steps, the monthly bonus."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from terminal.errors import PosError
from terminal.rules import Programme


@dataclass(frozen=True)
class RedeemLimit:
    max_points: int  # largest allowed request, a multiple of the step
    why: str  # which limit binds, in Chinese: "积分余额", "应付金额的50%", "离线每日上限"
    why_en: str  # the same in English: "balance", "50% of amount due", "offline daily cap"


def redeem_limit(
    amount_due_fen: int,
    balance: int,
    programme: Programme,
    *,
    offline_remaining: int | None = None,
) -> RedeemLimit:
    """The most points this sale may take: min(balance, max_ratio of amount due, offline remaining),
    rounded down to the step. `offline_remaining` None means online (no offline cap)."""
    redeem = programme.redeem
    share = Fraction(redeem.max_ratio)
    cap = math.floor(Fraction(max(amount_due_fen, 0)) * share / redeem.point_value_fen)
    percent = f"{(redeem.max_ratio * 100).normalize():f}%"
    # On a tie the first named limit is reported: balance, then the share of the amount due.
    limits = [
        (max(balance, 0), "积分余额", "balance"),
        (cap, f"应付金额的{percent}", f"{percent} of amount due"),
    ]
    if offline_remaining is not None:
        limits.append((max(offline_remaining, 0), "离线每日上限", "offline daily cap"))
    points, why, why_en = min(limits, key=lambda limit: limit[0])
    return RedeemLimit(points // redeem.step * redeem.step, why, why_en)


def check_redeem(requested: int, limit: RedeemLimit, programme: Programme) -> None:
    """Refuse (PosError 'redeem_negative' / 'redeem_step' / 'redeem_over_cap', with max_points) a
    request that is negative, not a multiple of the step, or above the limit. Never reduces it."""
    if requested < 0:
        raise PosError("redeem_negative")
    step = programme.redeem.step
    if requested % step:
        raise PosError("redeem_step", step=step, max_points=limit.max_points)
    if requested > limit.max_points:
        # The catalogue templates format {why}; why_en rides along for an English template.
        raise PosError(
            "redeem_over_cap", max_points=limit.max_points, why=limit.why, why_en=limit.why_en
        )


def monthly_bonus(
    month_spend_before_fen: int, month_spend_after_fen: int, already_awarded: bool, programme: Programme
) -> int:
    """Bonus points due now: the first time this calendar month's qualifying spend reaches the
    threshold, once per month. 0 otherwise."""
    threshold = programme.bonus.monthly_spend_fen
    if already_awarded or not month_spend_before_fen < threshold <= month_spend_after_fen:
        return 0
    return programme.bonus.points
