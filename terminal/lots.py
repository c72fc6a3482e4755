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
points_restored may carry expires_at too: the expiry of restored points with no lot to go back to
(the redemption's record is missing, or it ran into a deficit since paid off). A lot-creating event
without expires_at gets the default programme's rule from occurred_at: writers should set it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from terminal.rules import Programme, default_programme

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
        return (self.expires_at - timedelta(microseconds=1)).date()


@dataclass(frozen=True)
class PointsState:
    lots: tuple[Lot, ...] = ()
    deficit: int = 0  # <= 0
    flagged: bool = False  # a refund (or a conflict) drove the balance negative
    consumed: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    # redemption event id -> ((lot_id, points), ...) in the order taken

    def balance(self, as_of: datetime) -> int:
        return sum(lot.remaining for lot in self.lots if lot.expires_at > as_of) + self.deficit

    def live_lots(self, as_of: datetime) -> tuple[Lot, ...]:
        """Lots with points left and not expired at as_of, earliest-expiring first."""
        return tuple(sorted((lot for lot in self.lots if _live(lot, as_of)), key=_fifo))

    def due_expiry(self, as_of: datetime) -> tuple[Lot, ...]:
        """Lots past expiry at as_of that still hold points (maintain writes points_expired for them)."""
        due = (lot for lot in self.lots if lot.remaining > 0 and lot.expires_at <= as_of)
        return tuple(sorted(due, key=_fifo))

    def expiring_within(self, as_of: datetime, days: int) -> tuple[tuple[int, date], ...]:
        """(points, last valid day) for live lots expiring within `days` of as_of, grouped by day."""
        horizon = as_of + timedelta(days=days)
        by_day: dict[date, int] = {}
        for lot in self.live_lots(as_of):
            if lot.expires_at <= horizon:
                by_day[lot.expires_on] = by_day.get(lot.expires_on, 0) + lot.remaining
        return tuple((points, day) for day, points in sorted(by_day.items()))


def expires_at(earned_at: datetime, programme: Programme) -> datetime:
    """Earned 2026-03-15 (store time) -> 2027-04-01 00:00 store time (valid through 2027-03-31)."""
    if earned_at.tzinfo is None:
        raise ValueError("earned_at must be timezone-aware")
    tz = ZoneInfo(programme.timezone)
    local = earned_at.astimezone(tz)
    # The month after the earning month + `months`: its first instant is the exclusive end.
    year, month0 = divmod(local.year * 12 + local.month - 1 + programme.expiry.months + 1, 12)
    return datetime(year, month0 + 1, 1, tzinfo=tz)


def from_ledger(event_id: str, kind: str, occurred_at: datetime, payload: Mapping[str, Any]) -> PointsEvent | None:
    """A ledger event -> PointsEvent, or None if the kind does not move points."""
    found = event_fields(event_id, kind, occurred_at, payload)
    return None if found is None else _event(*found)


EventFields = tuple[str, str, datetime, int, "datetime | None", "str | None", "str | None"]


def event_fields(event_id: str, kind: str, occurred_at: datetime, payload: Mapping[str, Any]) -> EventFields | None:
    """from_ledger() as the PointsEvent's fields, in order (a plain tuple: what a cache of many
    events holds without the garbage collector going through each; Folding.step takes them)."""
    if kind == "points_earned" or kind == "bonus_awarded":
        points = _int(payload, "points")
        expiry = _when(payload.get("expires_at"))
        return (event_id, kind, occurred_at, points, expiry, None, None)
    if kind == "points_adjusted":
        delta = _int(payload, "delta")
        expiry = _when(payload.get("expires_at")) if delta > 0 else None
        return (event_id, kind, occurred_at, delta, expiry, None, None)
    if kind == "points_redeemed":
        return (event_id, kind, occurred_at, -_int(payload, "points"), None, None, None)
    if kind == "points_expired" or kind == "points_reversed":
        return (event_id, kind, occurred_at, -_int(payload, "points"), None, payload.get("lot_id"), None)
    if kind == "points_restored":
        points = _int(payload, "points")
        expiry = _when(payload.get("expires_at"))  # optional, see the module docstring
        return (event_id, kind, occurred_at, points, expiry, None, payload.get("redemption_id"))
    return None


# PointsEvent(...) and Lot(...) made without their frozen __init__ (a guarded setattr per field,
# most of what reading a ledger cost): the same instance, the same __dict__ in field order.
_new = object.__new__
_EVENT_FIELDS = ("event_id", "kind", "occurred_at", "delta", "expires_at", "lot_id", "redemption_id")
_LOT_FIELDS = ("lot_id", "earned_at", "expires_at", "points", "remaining")
assert tuple(f.name for f in fields(PointsEvent)) == _EVENT_FIELDS and not hasattr(PointsEvent, "__post_init__")
assert tuple(f.name for f in fields(Lot)) == _LOT_FIELDS and not hasattr(Lot, "__post_init__")


def _event(*values: Any) -> PointsEvent:
    """PointsEvent(*values) without its frozen __init__ (values in _EVENT_FIELDS order)."""
    event = _new(PointsEvent)
    event.__dict__.update(zip(_EVENT_FIELDS, values))
    return event


def _lot(*values: Any) -> Lot:
    """Lot(*values) without its frozen __init__ (values in _LOT_FIELDS order)."""
    lot = _new(Lot)
    lot.__dict__.update(zip(_LOT_FIELDS, values))
    return lot


def apply(state: PointsState, event: PointsEvent) -> PointsState:
    """One step of the fold (pure: returns a new state)."""
    if event.kind == "points_expired":
        return _expire(state, event)
    if event.kind == "points_restored":
        return _restore(state, event)
    if event.kind == "points_reversed":
        return _take(state, event, first=event.lot_id)
    if event.delta > 0:
        return _add_lot(state, event, event.delta, event.expires_at)
    if event.delta < 0:
        return _take(state, event, record=event.kind == "points_redeemed")
    return state


def fold(events: Iterable[PointsEvent], state: PointsState | None = None) -> PointsState:
    """Apply events in the given order (per terminal: seq order)."""
    folding = Folding(state)
    for event in events:
        folding.apply(event)
    return folding.state()


class Folding:
    """A fold in progress: apply() event by event gives, at state(), exactly the PointsState
    that apply() step by step gives (same lots, deficit, flag, consumed records, in the same
    order), without a new immutable state per step (what folding a long ledger cost most).
    Lots are kept in a list with each lot's position by id; should two lots ever share an id (lot
    ids are event ids, so never from a ledger), the rest of the fold goes step by step through
    apply(), which gives that case its own meaning."""

    __slots__ = ("_base", "_lots", "_at", "_deficit", "_flagged", "_consumed", "_owned", "_slow", "_touched")

    def __init__(self, state: PointsState | None = None) -> None:
        base = state if state is not None else PointsState()
        self._base = base
        self._lots = list(base.lots)
        self._at = {lot.lot_id: i for i, lot in enumerate(self._lots)}
        self._deficit = base.deficit
        self._flagged = base.flagged
        self._consumed: Mapping[str, tuple[tuple[str, int], ...]] = base.consumed
        self._owned = False  # _consumed is a dict of this fold's own (copied on first write)
        self._touched = False  # whether any step may have changed the state
        self._slow: PointsState | None = base if len(self._at) != len(self._lots) else None

    def state(self) -> PointsState:
        if self._slow is not None:
            return self._slow
        if not self._touched:
            return self._base
        self._owned = False  # the state holds this dict now: a later step writes a copy
        return replace(self._base, lots=tuple(self._lots), deficit=self._deficit, flagged=self._flagged,
                       consumed=self._consumed)

    def balance(self, as_of: datetime) -> int:
        """state().balance(as_of)."""
        if self._slow is not None:
            return self._slow.balance(as_of)
        return sum(lot.remaining for lot in self._lots if lot.expires_at > as_of) + self._deficit

    def apply(self, event: PointsEvent) -> None:
        """One step, as apply() takes it."""
        if self._slow is not None:
            self._slow = apply(self._slow, event)
            return
        self.step(event.event_id, event.kind, event.occurred_at, event.delta, event.expires_at, event.lot_id,
                  event.redemption_id)

    def step(self, event_id: str, kind: str, occurred_at: datetime, delta: int, expires_at: datetime | None,
             lot_id: str | None, redemption_id: str | None) -> None:
        """apply() of the PointsEvent of these fields (event_fields())."""
        if self._slow is not None:
            self._slow = apply(self._slow, _event(event_id, kind, occurred_at, delta, expires_at, lot_id,
                                                  redemption_id))
        elif kind == "points_expired":
            self._expire(delta, lot_id)
        elif kind == "points_restored":
            self._restore(event_id, kind, occurred_at, delta, expires_at, redemption_id)
        elif kind == "points_reversed":
            self._take(event_id, occurred_at, delta, lot_id, False)
        elif delta > 0:
            self._add_lot(event_id, kind, occurred_at, delta, expires_at, delta, expires_at, None)
        elif delta < 0:
            self._take(event_id, occurred_at, delta, None, kind == "points_redeemed")

    def _consumed_dict(self) -> dict[str, tuple[tuple[str, int], ...]]:
        if not self._owned:
            self._consumed = {**self._consumed}
            self._owned = True
        return self._consumed  # type: ignore[return-value]

    def _add_lot(self, event_id: str, kind: str, occurred_at: datetime, delta: int, event_expiry: datetime | None,
                 points: int, expiry: datetime | None, redemption_id: str | None) -> None:
        deficit, rest = _pay_deficit(self._deficit, points)
        if expiry is None:
            expiry = expires_at(occurred_at, _fallback_programme())
        if event_id in self._at:  # a second lot of that id: step by step from here
            event = _event(event_id, kind, occurred_at, delta, event_expiry, None, redemption_id)
            self._slow = _add_lot(self.state(), event, points, expiry)
            return
        self._touched = True
        self._at[event_id] = len(self._lots)
        self._lots.append(_lot(event_id, occurred_at, expiry, points, rest))
        self._deficit = deficit
        self._flagged = self._flagged and deficit < 0

    def _take(self, event_id: str, at: datetime, delta: int, first: str | None, record: bool) -> None:
        need = -delta
        lots = self._lots
        order = sorted((lot for lot in lots if lot.remaining > 0 and lot.expires_at > at), key=_fifo)
        if first is not None and len(order) > 1:
            order.sort(key=lambda lot: lot.lot_id != first)
        taken: list[tuple[str, int]] = []
        for lot in order:
            if need == 0:
                break
            part = min(need, lot.remaining)
            lots[self._at[lot.lot_id]] = _lot(lot.lot_id, lot.earned_at, lot.expires_at, lot.points,
                                             lot.remaining - part)
            taken.append((lot.lot_id, part))
            need -= part
        self._touched = True
        if record:
            self._consumed_dict()[event_id] = tuple(taken)
        self._deficit -= need
        self._flagged = self._flagged or need > 0

    def _expire(self, delta: int, lot_id: str | None) -> None:
        i = self._at.get(lot_id)  # type: ignore[arg-type]
        if i is None:
            return
        lot = self._lots[i]
        part = min(-delta, lot.remaining)
        if part <= 0:
            return
        self._touched = True
        self._lots[i] = _lot(lot.lot_id, lot.earned_at, lot.expires_at, lot.points, lot.remaining - part)

    def _restore(self, event_id: str, kind: str, occurred_at: datetime, delta: int, expiry: datetime | None,
                 redemption_id: str | None) -> None:
        if delta <= 0:
            return
        deficit, rest = _pay_deficit(self._deficit, delta)
        key = redemption_id or ""
        record = list(self._consumed.get(key, ()))
        lots, at = self._lots, self._at
        changed: dict[int, Lot] = {}
        for i in range(len(record) - 1, -1, -1):
            lot_id, took = record[i]
            if rest == 0 or lot_id not in at:
                continue
            part = min(rest, took)
            lot = lots[at[lot_id]]  # as it was before this restore (what apply() adds to)
            changed[at[lot_id]] = _lot(lot.lot_id, lot.earned_at, lot.expires_at, lot.points, lot.remaining + part)
            record[i] = (lot_id, took - part)
            rest -= part
        for i, lot in changed.items():
            lots[i] = lot
        consumed = self._consumed_dict()
        consumed.pop(key, None)
        if left := tuple(entry for entry in record if entry[1] > 0):
            consumed[key] = left
        self._touched = True
        self._deficit = deficit
        self._flagged = self._flagged and deficit < 0
        if rest != 0:
            self._add_lot(event_id, kind, occurred_at, delta, expiry, rest, expiry, redemption_id)


# -- helpers ------------------------------------------------------------------------------------


def _fifo(lot: Lot) -> tuple[datetime, datetime, str]:
    return (lot.expires_at, lot.earned_at, lot.lot_id)


def _live(lot: Lot, as_of: datetime) -> bool:
    return lot.remaining > 0 and lot.expires_at > as_of


def _int(payload: Mapping[str, Any], key: str) -> int:
    value = payload[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer number of points, got {value!r}")
    return value


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        when = value
    else:
        when = datetime.fromisoformat(str(value))
    if when is not None and when.tzinfo is None:
        raise ValueError(f"expires_at must carry a time zone offset: {value!r}")
    return when


@lru_cache(maxsize=1)
def _fallback_programme() -> Programme:
    return default_programme()


def _with_lots(state: PointsState, changed: Mapping[str, Lot], **fields: Any) -> PointsState:
    lots = tuple(changed.get(lot.lot_id, lot) for lot in state.lots)
    return replace(state, lots=lots, **fields)


def _pay_deficit(deficit: int, points: int) -> tuple[int, int]:
    """-> (new deficit, points left after paying it off)."""
    paid = min(points, -deficit)
    return deficit + paid, points - paid


def _add_lot(
    state: PointsState, event: PointsEvent, points: int, expiry: datetime | None
) -> PointsState:
    """New points pay off a deficit first; the rest is a new lot (no expiry given: default rule)."""
    deficit, rest = _pay_deficit(state.deficit, points)
    if expiry is None:
        expiry = expires_at(event.occurred_at, _fallback_programme())
    lot = Lot(event.event_id, event.occurred_at, expiry, points, rest)
    flagged = state.flagged and deficit < 0
    return replace(state, lots=(*state.lots, lot), deficit=deficit, flagged=flagged)


def _take(
    state: PointsState, event: PointsEvent, *, first: str | None = None, record: bool = False
) -> PointsState:
    """Consume -delta from lots live at the event: the `first` lot if live, then FIFO; a shortfall
    becomes a flagged deficit. Redemptions remember what they took, for a later restore."""
    need = -event.delta
    order = list(state.live_lots(event.occurred_at))
    order.sort(key=lambda lot: lot.lot_id != first)  # stable: a live named lot moves to the front
    changed: dict[str, Lot] = {}
    taken: list[tuple[str, int]] = []
    for lot in order:
        if need == 0:
            break
        part = min(need, lot.remaining)
        changed[lot.lot_id] = replace(lot, remaining=lot.remaining - part)
        taken.append((lot.lot_id, part))
        need -= part
    consumed = state.consumed
    if record:
        consumed = {**state.consumed, event.event_id: tuple(taken)}
    deficit, flagged = state.deficit - need, state.flagged or need > 0
    return _with_lots(state, changed, deficit=deficit, flagged=flagged, consumed=consumed)


def _expire(state: PointsState, event: PointsEvent) -> PointsState:
    """Remove the expired points from the named lot, never below zero."""
    for lot in state.lots:
        if lot.lot_id == event.lot_id:
            part = min(-event.delta, lot.remaining)
            if part <= 0:
                return state
            return _with_lots(state, {lot.lot_id: replace(lot, remaining=lot.remaining - part)})
    return state


def _restore(state: PointsState, event: PointsEvent) -> PointsState:
    """Refunded redeemed points pay off a deficit first (as any new points do, so a member never
    holds live points while owing); the rest goes back to the lots the redemption took, last taken
    first, at most what each gave (expired lots too: restored points keep their expiry); anything
    still left becomes a new lot."""
    if event.delta <= 0:
        return state
    deficit, rest = _pay_deficit(state.deficit, event.delta)
    key = event.redemption_id or ""
    record = list(state.consumed.get(key, ()))
    by_id = {lot.lot_id: lot for lot in state.lots}
    changed: dict[str, Lot] = {}
    for i in range(len(record) - 1, -1, -1):
        lot_id, took = record[i]
        if rest == 0 or lot_id not in by_id:
            continue
        part = min(rest, took)
        changed[lot_id] = replace(by_id[lot_id], remaining=by_id[lot_id].remaining + part)
        record[i] = (lot_id, took - part)
        rest -= part
    consumed = {k: v for k, v in state.consumed.items() if k != key}
    if left := tuple(entry for entry in record if entry[1] > 0):
        consumed[key] = left
    flagged = state.flagged and deficit < 0
    restored = _with_lots(state, changed, deficit=deficit, flagged=flagged, consumed=consumed)
    return restored if rest == 0 else _add_lot(restored, event, rest, event.expires_at)
