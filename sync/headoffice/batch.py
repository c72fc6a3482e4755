"""What one push batch touched, so the settle step (after all its events) recomputes only that."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class Quarantine(Exception):
    """A well-formed event that cannot be applied: stored as 'quarantined' with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Batch:
    terminal_id: str
    now: datetime
    touched: set[str] = field(default_factory=set)  # member ids whose snapshot changed (feed)
    profile: set[str] = field(default_factory=set)  # profile events: recompute last-writer-wins
    regrouped: set[str] = field(default_factory=set)  # merged: tiers replayed from registration
    spend_keys: dict[str, str] = field(default_factory=dict)  # member id -> earliest new spend key
    redeemed: set[str] = field(default_factory=set)  # points_redeemed in this batch
    sv_spent: set[str] = field(default_factory=set)  # stored_value_spent in this batch
    canon: dict[str, str] = field(default_factory=dict)  # member id -> canonical id (cleared by merges)

    def touch(self, member_id: str) -> None:
        self.touched.add(member_id)

    def spend(self, member_id: str, key: str) -> None:
        self.touched.add(member_id)
        old = self.spend_keys.get(member_id)
        self.spend_keys[member_id] = key if old is None else min(old, key)
