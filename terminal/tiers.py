"""Tiers: rolling qualifying spend, the monthly-purchases path, immediate upgrade, anniversary
retention, the at-risk window and the "spend X more" nudge. Pure functions over spend records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Sequence

from terminal.rules import Programme


@dataclass(frozen=True)
class Spend:
    occurred_at: datetime
    qualifying_fen: int  # sale: paid other than by points; refund: negative
    is_purchase: bool  # sales are purchases, refunds are not


@dataclass(frozen=True)
class TierChange:
    at: datetime
    from_tier: str
    to_tier: str
    reason: str  # "upgrade" | "retention"


@dataclass(frozen=True)
class TierStatus:
    tier: str
    tier_since: datetime
    qualifying_fen: int  # last window_days, as of the status time
    next_tier: str | None  # None at the top
    to_next_tier_fen: int | None  # next threshold - qualifying (>= 0), None at the top
    nudge_due: bool  # 0 < to_next <= nudge_ratio x next threshold
    next_anniversary: date | None  # None for the entry tier
    retention_line_fen: int | None  # retention_ratio x current threshold; None for the entry tier
    at_risk: bool  # within at_risk_days before the anniversary and below the line


def qualifying_spend(spends: Sequence[Spend], as_of: datetime, programme: Programme) -> int:
    """Sum of qualifying_fen in (as_of - window_days, as_of]."""
    raise NotImplementedError


def purchases_in_month(spends: Sequence[Spend], as_of: datetime) -> int:
    """Purchases in as_of's calendar month (store time) up to as_of."""
    raise NotImplementedError


def reached(spends: Sequence[Spend], as_of: datetime, programme: Programme) -> str:
    """The highest tier whose condition holds at as_of (threshold, or monthly_purchases where set)."""
    raise NotImplementedError


def upgrade(
    tier: str, tier_since: datetime, spends: Sequence[Spend], as_of: datetime, programme: Programme
) -> TierChange | None:
    """Immediate upgrade if a higher tier is reached at as_of (may skip tiers); else None."""
    raise NotImplementedError


def retention(
    tier: str, tier_since: datetime, spends: Sequence[Spend], as_of: datetime, programme: Programme
) -> tuple[TierChange, ...]:
    """Drops due up to as_of: at each anniversary of tier_since (Feb 29 -> Feb 28), if qualifying
    spend as of that anniversary is below retention_ratio x the tier's threshold, down one tier and
    the new tier_since is that anniversary. Applying the result and calling again returns ()."""
    raise NotImplementedError


def status(
    tier: str, tier_since: datetime, spends: Sequence[Spend], as_of: datetime, programme: Programme
) -> TierStatus:
    raise NotImplementedError


def nudge_text(status: TierStatus, programme: Programme, lang: str = "zh") -> str | None:
    """'再消费¥1,234.50升级为金卡会员' / 'Spend ¥1,234.50 more to reach Gold', or None when not due."""
    raise NotImplementedError
