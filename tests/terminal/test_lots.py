"""Points lots: month-end expiry a year on, FIFO redemption, refunds into a flagged deficit,
restores, and the fold's bookkeeping (balance = sum of events once what is due has expired)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from storetime import at
from terminal.lots import PointsEvent, PointsState, apply, expires_at, fold, from_ledger
from terminal.rules import default_programme

PROGRAMME = default_programme()


def earn(eid: str, when: datetime, points: int, kind: str = "points_earned") -> PointsEvent:
    return PointsEvent(eid, kind, when, points, expires_at=expires_at(when, PROGRAMME))


def redeem(eid: str, when: datetime, points: int) -> PointsEvent:
    return PointsEvent(eid, "points_redeemed", when, -points)


def expire_due(state: PointsState, when: datetime, prefix: str) -> list[PointsEvent]:
    """What maintain writes: one points_expired per lot past expiry that still holds points."""
    return [
        PointsEvent(
            f"{prefix}-{lot.lot_id}", "points_expired", when, -lot.remaining, lot_id=lot.lot_id
        )
        for lot in state.due_expiry(when)
    ]


# -- examples ------------------------------------------------------------------------------------


def test_points_earned_mid_march_are_valid_through_the_end_of_march_next_year(programme):
    end = expires_at(at("2026-03-15 14:30"), programme)
    assert end == at("2027-04-01 00:00")
    state = fold([earn("e1", at("2026-03-15 14:30"), 500)])
    assert state.lots[0].expires_on == date(2027, 3, 31)
    assert state.balance(at("2027-03-31 23:59:59")) == 500
    assert state.balance(at("2027-04-01 00:00")) == 0


def test_expiry_uses_the_store_month_and_wraps_the_year(programme):
    assert expires_at(at("2026-12-31 23:59"), programme) == at("2028-01-01 00:00")
    # 20:00 UTC on 31 March is already 1 April in Shanghai: April's points, valid through April 2027
    utc = datetime(2026, 3, 31, 20, 0, tzinfo=timezone.utc)
    assert expires_at(utc, programme) == at("2027-05-01 00:00")


def test_from_ledger_signs_each_kind_and_parses_iso_times():
    iso = "2027-06-01T00:00:00+08:00"
    cases = [
        ("points_earned", {"sale_id": "s", "points": 120, "expires_at": iso}, 120),
        ("bonus_awarded", {"points": 200, "expires_at": iso, "month": "2026-05"}, 200),
        ("points_adjusted", {"delta": 50, "reason": "x", "expires_at": iso}, 50),
        ("points_adjusted", {"delta": -30, "reason": "x"}, -30),
        ("points_redeemed", {"sale_id": "s", "points": 300}, -300),
        ("points_expired", {"lot_id": "a", "points": 20}, -20),
        ("points_reversed", {"sale_id": "s", "refund_id": "r", "lot_id": "a", "points": 40}, -40),
        ("points_restored", {"refund_id": "r", "redemption_id": "e", "points": 100}, 100),
    ]
    for kind, payload, delta in cases:
        event = from_ledger("x", kind, at("2026-05-02 10:00"), payload)
        assert (event.kind, event.delta) == (kind, delta)
        assert event.expires_at == (at("2027-06-01 00:00") if "expires_at" in payload else None)
        assert event.lot_id == payload.get("lot_id")
        assert event.redemption_id == payload.get("redemption_id")
    assert from_ledger("y", "sale", at("2026-05-02 10:00"), {"total_fen": 100}) is None


def test_redemption_takes_the_earliest_expiring_lot_and_never_an_expired_one():
    old = earn("old", at("2025-01-10 10:00"), 100)  # expires 2026-02-01
    march = earn("march", at("2025-03-05 10:00"), 300)  # expires 2026-04-01
    # goodwill points given later but set to expire sooner (2026-02-28): they go first
    goodwill = PointsEvent(
        "gw", "points_adjusted", at("2025-04-01 10:00"), 80, expires_at=at("2026-02-28 00:00")
    )
    state = fold([old, march, goodwill, redeem("r", at("2026-02-10 12:00"), 250)])
    assert state.consumed["r"] == (("gw", 80), ("march", 170))
    assert {lot.lot_id: lot.remaining for lot in state.lots} == {"old": 100, "march": 130, "gw": 0}
    assert state.balance(at("2026-02-10 12:00")) == 130


def test_reversal_takes_from_the_refunded_sales_lot_first():
    state = fold([earn("a", at("2026-01-05 10:00"), 100), earn("b", at("2026-02-05 10:00"), 100)])
    state = apply(
        state, PointsEvent("v", "points_reversed", at("2026-03-01 10:00"), -60, lot_id="b")
    )
    assert {lot.lot_id: lot.remaining for lot in state.lots} == {"a": 100, "b": 40}
    state = apply(
        state, PointsEvent("w", "points_reversed", at("2026-03-02 10:00"), -70, lot_id="b")
    )
    assert {lot.lot_id: lot.remaining for lot in state.lots} == {"a": 70, "b": 0}
    assert (state.deficit, state.flagged) == (0, False)


def test_receipt_lists_points_expiring_in_the_next_30_days_by_day():
    state = fold(
        [
            earn("a", at("2025-03-02 10:00"), 100),
            earn("b", at("2025-03-28 10:00"), 50),
            earn("c", at("2025-04-03 10:00"), 70),
            earn("d", at("2025-05-03 10:00"), 999),
        ]
    )
    now = at("2026-03-10 09:00")
    assert state.expiring_within(now, 30) == ((150, date(2026, 3, 31)),)
    assert state.expiring_within(now, 60) == ((150, date(2026, 3, 31)), (70, date(2026, 4, 30)))
    assert state.expiring_within(now, 7) == ()


def test_expiring_what_is_due_is_idempotent_and_keeps_the_balance():
    state = fold([earn("a", at("2025-01-05 10:00"), 100), earn("b", at("2025-06-05 10:00"), 40)])
    now = at("2026-03-01 08:00")
    assert [lot.lot_id for lot in state.due_expiry(now)] == ["a"]
    before = state.balance(now)
    written = expire_due(state, now, "x")
    state = fold(written, state)
    assert state.due_expiry(now) == ()
    assert state.balance(now) == before == 40
    assert fold(expire_due(state, now, "y"), state) == state
    # the same lot expired again (another terminal's maintain, seen at head office): never negative
    assert fold(written, state) == state


def test_refund_after_spending_leaves_a_flagged_deficit_that_new_earnings_pay_off_first():
    state = fold(
        [
            earn("sale1", at("2026-05-01 10:00"), 500),
            redeem("r1", at("2026-05-02 10:00"), 400),
            PointsEvent("rev", "points_reversed", at("2026-05-03 10:00"), -500, lot_id="sale1"),
        ]
    )
    assert (state.deficit, state.flagged) == (-400, True)
    assert state.balance(at("2026-05-03 10:00")) == -400
    state = apply(state, earn("sale2", at("2026-05-04 10:00"), 300))
    assert (state.deficit, state.flagged, state.lots[-1].remaining) == (-100, True, 0)
    state = apply(state, earn("sale3", at("2026-05-05 10:00"), 250))
    assert (state.deficit, state.flagged, state.lots[-1].remaining) == (0, False, 150)
    assert state.balance(at("2026-05-05 10:00")) == 150


def test_restore_goes_back_into_the_lots_last_taken_first():
    lots = [earn("a", at("2026-01-05 10:00"), 100), earn("b", at("2026-02-05 10:00"), 100)]
    state = fold([*lots, redeem("r", at("2026-03-01 10:00"), 150)])
    restore = PointsEvent("back", "points_restored", at("2026-03-02 10:00"), 60, redemption_id="r")
    state = apply(state, restore)
    assert {lot.lot_id: lot.remaining for lot in state.lots} == {"a": 10, "b": 100}
    state = apply(
        state,
        PointsEvent("back2", "points_restored", at("2026-03-03 10:00"), 90, redemption_id="r"),
    )
    assert {lot.lot_id: lot.remaining for lot in state.lots} == {"a": 100, "b": 100}
    # restoring more than that redemption took is not lost: it becomes a new lot
    extra = PointsEvent("back3", "points_restored", at("2026-03-04 10:00"), 10, redemption_id="r")
    state = apply(state, extra)
    assert state.balance(at("2026-03-04 10:00")) == 210
    assert state.lots[-1].expires_at == at("2027-04-01 00:00")


def test_restored_points_settle_a_deficit_before_refilling_lots():
    state = fold(
        [
            earn("sale1", at("2026-05-01 10:00"), 500),
            earn("sale2", at("2026-05-01 11:00"), 100),
            redeem("r1", at("2026-05-02 10:00"), 550),
            PointsEvent("rev", "points_reversed", at("2026-05-03 10:00"), -500, lot_id="sale1"),
        ]
    )
    assert (state.deficit, state.balance(at("2026-05-03 10:00"))) == (-450, -450)
    back = PointsEvent("back", "points_restored", at("2026-05-04 10:00"), 550, redemption_id="r1")
    state = apply(state, back)
    assert (state.deficit, state.flagged) == (0, False)
    # the 100 left go back last-taken-first: 50 to sale2, then 50 to sale1
    assert {lot.lot_id: lot.remaining for lot in state.lots} == {"sale1": 50, "sale2": 50}
    assert state.balance(at("2026-05-04 10:00")) == 100


# -- properties ----------------------------------------------------------------------------------

OPS = st.lists(
    st.tuples(
        st.sampled_from(["earn", "bonus", "adjust", "redeem", "reverse", "restore", "expire"]),
        st.integers(1, 900),
        st.integers(0, 30),  # which earlier lot / redemption to refer to
        st.integers(0, 150),  # days since the previous event
    ),
    max_size=40,
)


def run(ops: list) -> tuple[PointsState, int, datetime]:
    """Turn ops into events as the till and maintain would write them, checking every step."""
    state, total, now = PointsState(), 0, at("2026-01-01 09:00")
    earned: list[str] = []
    redeemed: list[str] = []
    for n, (op, points, ref, days) in enumerate(ops):
        now += timedelta(days=days, hours=n % 7)
        eid = f"e{n:03d}"
        expiry = expires_at(now, PROGRAMME)
        if op in ("earn", "bonus"):
            kind = "points_earned" if op == "earn" else "bonus_awarded"
            events = [PointsEvent(eid, kind, now, points, expires_at=expiry)]
            earned.append(eid)
        elif op == "adjust":
            delta = points - 450 or 1
            events = [PointsEvent(eid, "points_adjusted", now, delta, expires_at=expiry)]
        elif op == "redeem":
            events = [redeem(eid, now, points)]
            redeemed.append(eid)
        elif op == "reverse":
            lot = earned[ref % len(earned)] if earned else None
            events = [PointsEvent(eid, "points_reversed", now, -points, lot_id=lot)]
        elif op == "restore":
            whose = redeemed[ref % len(redeemed)] if redeemed else None
            events = [PointsEvent(eid, "points_restored", now, points, redemption_id=whose)]
        else:
            events = expire_due(state, now, eid)
        for event in events:
            live_before = [lot.lot_id for lot in state.live_lots(event.occurred_at)]
            state = apply(state, event)
            total += event.delta
            if event.kind == "points_redeemed":
                taken = [lot_id for lot_id, _ in state.consumed[event.event_id]]
                assert taken == live_before[: len(taken)]  # FIFO, and only lots live at the time
            assert all(0 <= lot.remaining <= lot.points for lot in state.lots)
            assert sum(lot.remaining for lot in state.lots) + state.deficit == total
            assert state.deficit <= 0 and (state.deficit == 0 or state.flagged)
            # owing and holding spendable points at once never happens: the points pay first
            assert state.deficit == 0 or not state.live_lots(event.occurred_at)
    return state, total, now


@settings(max_examples=300, deadline=None)
@given(OPS)
def test_balance_is_the_sum_of_events_once_what_is_due_has_expired(ops):
    state, total, now = run(ops)
    later = now + timedelta(days=500)
    for when in (now, later):
        expiries = expire_due(state, when, f"x{when:%Y%m%d}")
        state = fold(expiries, state)
        total += sum(event.delta for event in expiries)
        assert state.due_expiry(when) == ()
        assert state.balance(when) == total
    assert state.balance(later) == state.deficit  # everything earned so far has expired by then


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 500), min_size=1, max_size=8), st.data())
def test_restoring_a_redemption_gives_back_exactly_what_it_took(amounts, data):
    start = at("2026-01-03 10:00")
    state = fold(earn(f"l{i}", start + timedelta(days=20 * i), p) for i, p in enumerate(amounts))
    when = start + timedelta(days=200)
    before = state
    points = data.draw(st.integers(1, before.balance(when)))
    state = apply(state, redeem("r", when, points))
    assert state.balance(when) == before.balance(when) - points
    state = apply(
        state,
        PointsEvent(
            "back", "points_restored", when + timedelta(hours=1), points, redemption_id="r"
        ),
    )
    assert state.lots == before.lots
    assert state.balance(when) == before.balance(when)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 500), min_size=1, max_size=6),
    st.integers(0, 500),
    st.lists(st.integers(1, 500), max_size=6),
)
def test_refunded_earnings_after_spending_are_owed_then_paid_off(earnings, spend, later):
    start = at("2026-02-01 10:00")
    events = [earn(f"s{i}", start + timedelta(days=i), p) for i, p in enumerate(earnings)]
    balance = sum(earnings)
    spend = min(spend, balance)
    events.append(redeem("r", start + timedelta(days=10), spend))
    events += [
        PointsEvent(f"v{i}", "points_reversed", start + timedelta(days=11), -p, lot_id=f"s{i}")
        for i, p in enumerate(earnings)
    ]
    state = fold(events)
    when = start + timedelta(days=12)
    assert state.balance(when) == -spend
    assert state.flagged == (spend > 0)
    for i, p in enumerate(later):
        state = apply(state, earn(f"n{i}", when + timedelta(days=i), p))
    owed_after = min(0, sum(later) - spend)
    assert state.deficit == owed_after and state.flagged == (owed_after < 0)
    assert state.balance(when + timedelta(days=10)) == sum(later) - spend
