"""What one projector chunk touched, so the settle step (after all its events) recomputes only
that; and an event as the projector reads it back from the events table."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.headoffice.timekeys import parse


class Quarantine(Exception):
    """A well-formed event that cannot be applied: stored as 'quarantined' with this reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Stored:
    """A stored event, as apply.py's handlers read it (the wire event's fields, occurred_at parsed
    on demand) with its stored time texts (`at`, `at_key`) and row id."""

    __slots__ = ("id", "event_id", "terminal_id", "seq", "kind", "at", "at_key", "member_id", "staff_id", "payload")

    def __init__(self, row: tuple[Any, ...], payload: dict[str, Any]) -> None:
        (self.id, self.event_id, self.terminal_id, self.seq, self.kind, self.at, self.at_key, self.member_id,
         self.staff_id) = row[:9]
        self.payload = payload

    @property
    def occurred_at(self) -> datetime:
        return parse(self.at)


@dataclass
class Batch:
    now: datetime
    upto: int  # events with id <= upto are applied once this chunk commits (readers' bound)
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
