"""Points lots: one per earning, consumed earliest-expiring first, expiring at month end a year on.

A pure fold over the member's point events, used by the terminal and by head office alike.
Balance as of T = remaining points of lots not yet expired at T, plus the deficit (<= 0).
Lots never go below zero; a shortfall from a refund's reversal becomes a flagged deficit, which
later earnings pay off first.

Ledger payloads (event kind -> payload fields) this module reads:
- points_earned   {sale_id, points, expires_at}                  creates lot (lot_id = event_id)
- bonus_awarded   {points, expires_at, month, reason}            creates lot
- points_adjusted {delta, reason, expires_at?}                   delta > 0 creates lot; < 0 consumes FIFO
- points_redeemed {sale_id, points}                              consumes FIFO; remembers what it took
- points_expired  {lot_id, points}                               removes from that lot
- points_reversed {sale_id, refund_id, lot_id, points}           refund of earned points: from that lot,
                                                                 then other live lots FIFO, then deficit
- points_restored {sale_id, refund_id, redemption_id, points}    refund of redeemed points: back into the
                                                                 lots that redemption took, last taken first
expires_at is ISO 8601 text, the first instant the lot is no longer valid (exclusive end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable, Mapping

from terminal.rules import Programme

POINT_KINDS = frozenset(
    {
        "points_earned",
        "bonus_awarded",
        "points_adjusted",
        "points_redeemed",
        "points_expired",
        "points_reversed",
        "points_restored",
    }
)


@dataclass(frozen=True)
class PointsEvent:
    event_id: str
    kind: str
    occurred_at: datetime
    delta: int  # signed change to the balance this event makes (earned +, redeemed -, ...)
    expires_at: datetime | None = None  # lot-creating events
    lot_id: str | None = None  # points_expired, points_reversed
    redemption_id: str | None = None  # points_restored


@dataclass(frozen=True)
class Lot:
    lot_id: str
    earned_at: datetime
    expires_at: datetime  # exclusive
    points: int  # as earned
    remaining: int  # >= 0

    @property
    def expires_on(self) -> date:
        """The last valid day, as printed on a receipt ("valid through")."""
        raise NotImplementedError


@dataclass(frozen=True)
class PointsState:
    lots: tuple[Lot, ...] = ()
    deficit: int = 0  # <= 0
    flagged: bool = False  # a refund (or a conflict) drove the balance negative
    consumed: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    # redemption event id -> ((lot_id, points), ...) in the order taken

    def balance(self, as_of: datetime) -> int:
        raise NotImplementedError

    def live_lots(self, as_of: datetime) -> tuple[Lot, ...]:
        """Lots with points left and not expired at as_of, earliest-expiring first."""
        raise NotImplementedError

    def due_expiry(self, as_of: datetime) -> tuple[Lot, ...]:
        """Lots past expiry at as_of that still hold points (maintain writes points_expired for them)."""
        raise NotImplementedError

    def expiring_within(self, as_of: datetime, days: int) -> tuple[tuple[int, date], ...]:
        """(points, last valid day) for live lots expiring within `days` of as_of, grouped by day."""
        raise NotImplementedError


def expires_at(earned_at: datetime, programme: Programme) -> datetime:
    """Earned 2026-03-15 (store time) -> 2027-04-01 00:00 store time (valid through 2027-03-31)."""
    raise NotImplementedError


def from_ledger(event_id: str, kind: str, occurred_at: datetime, payload: Mapping[str, Any]) -> PointsEvent | None:
    """A ledger event -> PointsEvent, or None if the kind does not move points."""
    raise NotImplementedError


def apply(state: PointsState, event: PointsEvent) -> PointsState:
    """One step of the fold (pure: returns a new state)."""
    raise NotImplementedError


def fold(events: Iterable[PointsEvent], state: PointsState | None = None) -> PointsState:
    """Apply events in the given order (per terminal: seq order)."""
    raise NotImplementedError
