"""Lifecycle labels and the high-value flag (PROGRAMME.md, 'Lifecycle and segments')."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Sequence
from zoneinfo import ZoneInfo

from terminal.rules import Programme


def lifecycle(purchase_times: Sequence[datetime], as_of: datetime, programme: Programme) -> str:
    """'new' (no purchase up to as_of), 'active' (last < active_days ago), 'dormant', 'lost'
    (>= lost_days). Purchases after as_of are ignored. Days are calendar days in store time, so a
    member's label does not change in the middle of a day."""
    tz = ZoneInfo(programme.timezone)
    past = [t for t in purchase_times if t <= as_of]
    if not past:
        return "new"
    days = (as_of.astimezone(tz).date() - max(past).astimezone(tz).date()).days
    if days < programme.lifecycle.active_days:
        return "active"
    if days < programme.lifecycle.lost_days:
        return "dormant"
    return "lost"


def high_value(purchases: Sequence[tuple[datetime, int]], as_of: datetime, programme: Programme) -> bool:
    """(occurred_at, qualifying_fen) of purchases: bought in the last recent_days, at least
    min_purchases_per_month per month on average over window_days, average ticket above
    min_avg_ticket_fen (over the window). Windows are (as_of - N days, as_of]; exact int tests."""
    rules = programme.high_value
    local = as_of.astimezone(ZoneInfo(programme.timezone))
    recent_start = local - timedelta(days=rules.recent_days)
    if not any(recent_start < t <= local for t, _ in purchases):
        return False
    window_start = local - timedelta(days=rules.window_days)
    tickets = [fen for t, fen in purchases if window_start < t <= local]
    # count / (window_days / 30) >= per-month minimum, and sum / count > the ticket minimum
    if len(tickets) * 30 < rules.min_purchases_per_month * rules.window_days:
        return False
    return bool(tickets) and sum(tickets) > rules.min_avg_ticket_fen * len(tickets)
