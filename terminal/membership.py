"""Paid membership (付费会员): a fee buys a tier for a period; renewal extends it; it lapses by itself.

Pure: the terminal and head office decide the member's tier with the same function. A grant never
lowers a tier: the member holds the higher of the earned tier and any grant in force.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from terminal.rules import Programme


@dataclass(frozen=True)
class Grant:
    tier: str
    starts_at: datetime
    ends_at: datetime  # exclusive

    def active(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the 31st becomes the month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def next_grant(programme: Programme, grants: Iterable[Grant], now: datetime) -> Grant:
    """What buying (or renewing) now gives: the programme's tier for its months, starting now, or
    at the end of the grant still in force (renewal before expiry loses no day)."""
    paid = programme.paid_membership
    running = [g.ends_at for g in grants if g.ends_at > now]
    start = max(running) if running else now
    return Grant(paid.tier, start, add_months(start, paid.months))


def paid_until(grants: Iterable[Grant], now: datetime) -> datetime | None:
    """The end of the paid period in force or bought ahead, or None."""
    ends = [g.ends_at for g in grants if g.ends_at > now]
    return max(ends) if ends else None


def effective_tier(programme: Programme, earned_tier_id: str, grants: Iterable[Grant], now: datetime) -> str:
    """The higher of the earned tier and every grant in force at `now` (unknown tiers ignored)."""
    best = programme.tier_index(earned_tier_id)
    known = {t.id for t in programme.tiers}
    for g in grants:
        if g.active(now) and g.tier in known:
            best = max(best, programme.tier_index(g.tier))
    return programme.tiers[best].id
