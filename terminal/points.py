"""Points rules that are not pricing: the redemption cap and steps, the monthly bonus."""

from __future__ import annotations

from dataclasses import dataclass

from terminal.rules import Programme


@dataclass(frozen=True)
class RedeemLimit:
    max_points: int  # largest allowed request, a multiple of the step
    why: str  # which limit binds, in Chinese: "余额", "应付金额50%", "离线每日上限"
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
    raise NotImplementedError


def check_redeem(requested: int, limit: RedeemLimit, programme: Programme) -> None:
    """Refuse (PosError 'redeem_negative' / 'redeem_step' / 'redeem_over_cap', with max_points) a
    request that is negative, not a multiple of the step, or above the limit. Never reduces it."""
    raise NotImplementedError


def monthly_bonus(
    month_spend_before_fen: int, month_spend_after_fen: int, already_awarded: bool, programme: Programme
) -> int:
    """Bonus points due now: the first time this calendar month's qualifying spend reaches the
    threshold, once per month. 0 otherwise."""
    raise NotImplementedError
