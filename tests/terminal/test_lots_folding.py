"""lots.Folding (what fold() runs) gives exactly what apply() step by step gives: the same lots in
the same order, deficit, flag and redemption records (in the same order), on any events at all,
odd ones included (ids used twice, reversals of negative points, restores of unknown
redemptions, expiries of unknown lots, events without an expiry)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.lots import Folding, Lot, PointsEvent, PointsState, apply, event_fields, fold, from_ledger

BASE = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
KINDS = ["points_earned", "bonus_awarded", "points_adjusted", "points_redeemed", "points_expired",
         "points_reversed", "points_restored", "sale"]
IDS = st.sampled_from(["a", "b", "c", "d", "e", "f"])

EVENT = st.builds(
    lambda eid, kind, days, delta, expiry_days, lot_id, redemption_id: PointsEvent(
        eid, kind, BASE + timedelta(days=days), delta,
        None if expiry_days is None else BASE + timedelta(days=expiry_days), lot_id, redemption_id),
    st.one_of(IDS, st.text(min_size=1, max_size=3)),
    st.sampled_from(KINDS),
    st.integers(0, 800),
    st.integers(-600, 600),
    st.one_of(st.none(), st.integers(-30, 900)),
    st.one_of(st.none(), IDS),
    st.one_of(st.none(), IDS),
)

LOT = st.builds(
    lambda lot_id, days, expiry_days, points, remaining: Lot(
        lot_id, BASE + timedelta(days=days), BASE + timedelta(days=expiry_days), points, remaining),
    IDS, st.integers(-100, 100), st.integers(0, 900), st.integers(0, 500), st.integers(0, 500),
)

STATE = st.builds(
    lambda lots, deficit, flagged, consumed, proxy: PointsState(
        tuple(lots), deficit, flagged, MappingProxyType(consumed) if proxy else consumed),
    st.lists(LOT, max_size=5),
    st.integers(-300, 0),
    st.booleans(),
    st.dictionaries(IDS, st.lists(st.tuples(IDS, st.integers(0, 300)), max_size=3).map(tuple), max_size=3),
    st.booleans(),
)


def stepwise(events: list[PointsEvent], state: PointsState | None = None) -> PointsState:
    result = state if state is not None else PointsState()
    for event in events:
        result = apply(result, event)
    return result


def same(a: PointsState, b: PointsState) -> None:
    assert a == b
    assert (a.lots, a.deficit, a.flagged, dict(a.consumed)) == (b.lots, b.deficit, b.flagged, dict(b.consumed))
    assert type(a.consumed) is type(b.consumed) and type(a.flagged) is type(b.flagged)
    assert list(a.consumed.items()) == list(b.consumed.items())  # the same order too
    assert [vars(lot) for lot in a.lots] == [vars(lot) for lot in b.lots]


@settings(max_examples=600, deadline=None)
@given(st.lists(EVENT, max_size=30))
def test_folding_is_apply_step_by_step(events):
    same(fold(events), stepwise(events))


@settings(max_examples=300, deadline=None)
@given(STATE, st.lists(EVENT, max_size=20))
def test_folding_from_a_state_is_apply_step_by_step(state, events):
    same(fold(events, state), stepwise(events, state))


@settings(max_examples=300, deadline=None)
@given(st.lists(EVENT, max_size=30), st.data())
def test_balance_along_the_way_and_steps_by_fields(events, data):
    folding, folding_by_fields, state = Folding(), Folding(), PointsState()
    for event in events:
        when = BASE + timedelta(days=data.draw(st.integers(0, 900)))
        assert folding.balance(when) == state.balance(when) == folding_by_fields.balance(when)
        before = folding.state()
        kept = (before.lots, before.deficit, before.flagged, dict(before.consumed), list(before.consumed))
        folding.apply(event)
        folding_by_fields.step(*(getattr(event, f) for f in event.__dataclass_fields__))
        same(before, state)
        assert kept == (before.lots, before.deficit, before.flagged, dict(before.consumed), list(before.consumed))
        state = apply(state, event)
    same(folding.state(), state)
    same(folding_by_fields.state(), state)


def test_no_events_give_back_the_state_itself():
    state = PointsState(consumed=MappingProxyType({}))
    assert fold([], state) is state
    assert fold([PointsEvent("x", "points_expired", BASE, -5, lot_id="nope")], state) is state


def test_from_ledger_makes_the_same_events_as_the_constructor():
    payloads = {
        "points_earned": {"points": 5, "expires_at": BASE},
        "bonus_awarded": {"points": 5},
        "points_adjusted": {"delta": -3, "expires_at": "2027-01-01T00:00:00+08:00"},
        "points_redeemed": {"points": 7},
        "points_expired": {"points": 2, "lot_id": "a"},
        "points_reversed": {"points": 2},
        "points_restored": {"points": 4, "redemption_id": "r", "expires_at": "2027-01-01T00:00:00+08:00"},
    }
    for kind, payload in payloads.items():
        event = from_ledger("e", kind, BASE, payload)
        fields = event_fields("e", kind, BASE, payload)
        assert event == PointsEvent(*fields)
        assert vars(event) == vars(PointsEvent(*fields)) and list(vars(event)) == list(vars(PointsEvent(*fields)))
        assert hash(event) == hash(PointsEvent(*fields)) and repr(event) == repr(PointsEvent(*fields))
    assert from_ledger("e", "sale", BASE, {}) is None and event_fields("e", "sale", BASE, {}) is None
