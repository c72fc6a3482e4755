"""Lifecycle labels and the high-value flag (PROGRAMME.md, 'Lifecycle and segments')."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from terminal.rules import Programme


def lifecycle(purchase_times: Sequence[datetime], as_of: datetime, programme: Programme) -> str:
    """'new' (no purchase up to as_of), 'active' (last < active_days ago), 'dormant', 'lost'
    (>= lost_days). Purchases after as_of are ignored."""
    raise NotImplementedError


def high_value(purchases: Sequence[tuple[datetime, int]], as_of: datetime, programme: Programme) -> bool:
    """(occurred_at, qualifying_fen) of purchases: bought in the last recent_days, at least
    min_purchases_per_month per month on average over window_days, average ticket above
    min_avg_ticket_fen (over the window)."""
    raise NotImplementedError
