"""Tiers: rolling qualifying spend, the monthly-purchases path, immediate upgrade, anniversary
retention, the at-risk window and the "spend X more" nudge. Pure functions over spend records."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Sequence
from zoneinfo import ZoneInfo

from terminal.money import format_fen
from terminal.rules import Programme, Tier


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
    local = _local(as_of, programme)
    start = local - timedelta(days=programme.tier_rules.window_days)
    return sum(s.qualifying_fen for s in spends if start < s.occurred_at <= local)


def purchases_in_month(spends: Sequence[Spend], as_of: datetime) -> int:
    """Purchases in as_of's calendar month (store time) up to as_of."""
    start = as_of.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return sum(1 for s in spends if s.is_purchase and start <= s.occurred_at <= as_of)


def reached(spends: Sequence[Spend], as_of: datetime, programme: Programme) -> str:
    """The highest tier whose condition holds at as_of (threshold, or monthly_purchases where set)."""
    local = _local(as_of, programme)
    spend = qualifying_spend(spends, local, programme)
    purchases = purchases_in_month(spends, local)
    for tier in reversed(programme.tiers[1:]):
        if tier.threshold_fen <= spend:
            return tier.id
        if tier.monthly_purchases is not None and purchases >= tier.monthly_purchases:
            return tier.id
    return programme.entry_tier.id  # net refunds can make the spend negative: still the entry tier


def upgrade(
    tier: str, tier_since: datetime, spends: Sequence[Spend], as_of: datetime, programme: Programme
) -> TierChange | None:
    """Immediate upgrade if a higher tier is reached at as_of (may skip tiers); else None."""
    target = reached(spends, as_of, programme)
    if programme.tier_index(target) > programme.tier_index(tier):
        return TierChange(at=as_of, from_tier=tier, to_tier=target, reason="upgrade")
    return None


def retention(
    tier: str, tier_since: datetime, spends: Sequence[Spend], as_of: datetime, programme: Programme
) -> tuple[TierChange, ...]:
    """Drops due up to as_of: at each anniversary of tier_since (Feb 29 -> Feb 28), if qualifying
    spend as of that anniversary is below retention_ratio x the tier's threshold, down one tier and
    the new tier_since is that anniversary. Applying the result and calling again returns ()."""
    changes: list[TierChange] = []
    current, since = tier, _local(tier_since, programme)
    years = 1
    while (lower := programme.lower_tier(current)) is not None:
        anniversary = _anniversary(since, years)
        if anniversary > as_of:
            break
        spend = qualifying_spend(spends, anniversary, programme)
        if spend < _retention_line(programme.tier(current), programme):
            changes.append(TierChange(anniversary, current, lower.id, "retention"))
            current, since, years = lower.id, anniversary, 1
        else:
            years += 1
    return tuple(changes)


def status(
    tier: str, tier_since: datetime, spends: Sequence[Spend], as_of: datetime, programme: Programme
) -> TierStatus:
    """Where the member stands at as_of: spend, distance to the next tier, retention line, risk."""
    rules = programme.tier_rules
    spend = qualifying_spend(spends, as_of, programme)
    current = programme.tier(tier)
    above = programme.next_tier(tier)
    to_next = None if above is None else max(0, above.threshold_fen - spend)
    nudge = False
    if above is not None and to_next is not None:
        nudge = 0 < to_next <= rules.nudge_ratio * above.threshold_fen
    anniversary: datetime | None = None
    line: int | None = None
    at_risk = False
    if programme.lower_tier(tier) is not None:
        since = _local(tier_since, programme)
        years = 1
        while (anniversary := _anniversary(since, years)) <= as_of:
            years += 1
        line = _retention_line(current, programme)
        at_risk = anniversary - timedelta(days=rules.at_risk_days) <= as_of and spend < line
    return TierStatus(
        tier=tier,
        tier_since=tier_since,
        qualifying_fen=spend,
        next_tier=None if above is None else above.id,
        to_next_tier_fen=to_next,
        nudge_due=nudge,
        next_anniversary=None if anniversary is None else anniversary.date(),
        retention_line_fen=line,
        at_risk=at_risk,
    )


def nudge_text(status: TierStatus, programme: Programme, lang: str = "zh") -> str | None:
    """'再消费¥1,234.50升级为金卡会员' / 'Spend ¥1,234.50 more to reach Gold', or None when not due."""
    if not status.nudge_due or status.next_tier is None or status.to_next_tier_fen is None:
        return None
    target = programme.tier(status.next_tier)
    amount = format_fen(status.to_next_tier_fen, "zh_CN")  # '¥1,234.50' (babel's 'en' says 'CN¥')
    if lang == "en":
        return f"Spend {amount} more to reach {target.name_en}"
    return f"再消费{amount}升级为{target.name}"


# -- helpers ------------------------------------------------------------------------------------


def _local(when: datetime, programme: Programme) -> datetime:
    if when.tzinfo is None:
        raise ValueError("datetimes must be timezone-aware")
    return when.astimezone(ZoneInfo(programme.timezone))


def _anniversary(since: datetime, years: int) -> datetime:
    """Same month, day and time `years` later (store time); Feb 29 -> Feb 28 in other years."""
    try:
        return since.replace(year=since.year + years)
    except ValueError:
        return since.replace(year=since.year + years, day=28)


def _retention_line(tier: Tier, programme: Programme) -> int:
    """The least whole-fen spend that keeps the tier: spend < ratio x threshold (exact) drops it,
    which for whole fen is the same as spend < ceil(ratio x threshold)."""
    return math.ceil(programme.tier_rules.retention_ratio * tier.threshold_fen)
