"""Tiers: reaching silver/gold by rolling spend or monthly purchases, retention on anniversaries,
the at-risk window and the "spend X more" nudge, with the default programme's numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from storetime import at
from terminal.rules import default_programme
from terminal.tiers import (
    Spend,
    TierChange,
    nudge_text,
    purchases_in_month,
    qualifying_spend,
    reached,
    retention,
    status,
    upgrade,
)

PROGRAMME = default_programme()
TIER_IDS = [t.id for t in PROGRAMME.tiers]


def buy(when: str, fen: int) -> Spend:
    return Spend(at(when), fen, True)


def refund(when: str, fen: int) -> Spend:
    return Spend(at(when), -fen, False)


# -- reaching a tier -----------------------------------------------------------------------------


def test_silver_at_2000_yuan_of_qualifying_spend(programme):
    spends = [buy("2026-01-10 10:00", 150_000), buy("2026-04-02 10:00", 49_999)]
    assert reached(spends, at("2026-04-02 10:00"), programme) == "regular"
    spends.append(buy("2026-04-03 10:00", 1))
    now = at("2026-04-03 10:00")
    assert reached(spends, now, programme) == "silver"
    assert upgrade("regular", at("2025-12-01 09:00"), spends, now, programme) == TierChange(
        now, "regular", "silver", "upgrade"
    )


def test_silver_by_three_purchases_in_the_calendar_month_store_time(programme):
    spends = [buy("2026-05-03 10:00", 1_000), buy("2026-05-20 10:00", 1_000)]
    assert reached(spends, at("2026-05-31 10:00"), programme) == "regular"
    # 17:00 UTC on 31 May is 01:00 on 1 June in the store: a June purchase, so May still has two
    june_first = Spend(datetime(2026, 5, 31, 17, 0, tzinfo=timezone.utc), 1_000, True)
    assert purchases_in_month([*spends, june_first], at("2026-05-31 23:59")) == 2
    assert reached([*spends, june_first], at("2026-06-01 02:00"), programme) == "regular"
    third = buy("2026-05-31 20:00", 1_000)
    assert reached([*spends, third], at("2026-05-31 20:00"), programme) == "silver"


def test_refunds_are_not_purchases_and_reduce_qualifying_spend(programme):
    spends = [
        buy("2026-05-03 10:00", 300_000),
        buy("2026-05-04 10:00", 1_000),
        refund("2026-05-05 10:00", 150_000),
    ]
    now = at("2026-05-06 10:00")
    assert purchases_in_month(spends, now) == 2
    assert qualifying_spend(spends, now, programme) == 151_000
    assert reached(spends, now, programme) == "regular"


def test_gold_at_10000_and_a_single_big_sale_skips_silver(programme):
    now = at("2026-07-01 10:00")
    assert reached([buy("2026-06-01 10:00", 999_999)], now, programme) == "silver"
    assert reached([buy("2026-06-01 10:00", 1_000_000)], now, programme) == "gold"
    change = upgrade(
        "regular", at("2026-01-01 09:00"), [buy("2026-07-01 10:00", 1_000_000)], now, programme
    )
    assert (change.from_tier, change.to_tier) == ("regular", "gold")
    assert (
        upgrade(
            "diamond", at("2026-01-01 09:00"), [buy("2026-07-01 10:00", 1_000_000)], now, programme
        )
        is None
    )


def test_spend_counts_for_365_days_then_falls_out_of_the_window(programme):
    spends = [buy("2025-05-01 10:00", 250_000)]
    assert qualifying_spend(spends, at("2026-05-01 09:59:59"), programme) == 250_000
    assert qualifying_spend(spends, at("2026-05-01 10:00"), programme) == 0
    assert qualifying_spend(spends, at("2025-05-01 09:59"), programme) == 0  # not yet made


# -- retention -----------------------------------------------------------------------------------

GOLD_SINCE = at("2025-06-10 10:00")


def test_gold_member_below_80_percent_at_the_anniversary_drops_to_silver(programme):
    spends = [buy("2025-09-01 12:00", 799_999)]
    changes = retention("gold", GOLD_SINCE, spends, at("2026-06-10 10:00"), programme)
    assert changes == (TierChange(at("2026-06-10 10:00"), "gold", "silver", "retention"),)
    assert (
        retention("gold", GOLD_SINCE, spends, at("2026-06-10 09:59"), programme) == ()
    )  # not due yet


def test_gold_member_at_exactly_80_percent_keeps_gold(programme):
    spends = [buy("2025-09-01 12:00", 800_000)]
    assert retention("gold", GOLD_SINCE, spends, at("2026-06-10 10:00"), programme) == ()
    # a year later the spend has left the window: the second anniversary drops one tier, only one
    later = retention("gold", GOLD_SINCE, spends, at("2027-06-10 10:00"), programme)
    assert later == (TierChange(at("2027-06-10 10:00"), "gold", "silver", "retention"),)


def test_missed_anniversaries_drop_one_tier_each_from_the_new_tier_since(programme):
    spends = [buy("2025-09-01 12:00", 100_000)]
    changes = retention("gold", GOLD_SINCE, spends, at("2027-07-01 10:00"), programme)
    assert [(c.at, c.to_tier) for c in changes] == [
        (at("2026-06-10 10:00"), "silver"),
        (at("2027-06-10 10:00"), "regular"),
    ]
    assert retention("regular", changes[-1].at, spends, at("2040-01-01 00:00"), programme) == ()


def test_leap_day_tier_since_has_its_anniversary_on_28_february(programme):
    since = at("2028-02-29 15:00")
    drop = retention("silver", since, [], at("2029-03-01 00:00"), programme)
    assert drop == (TierChange(at("2029-02-28 15:00"), "silver", "regular", "retention"),)
    assert status("silver", since, [], at("2031-06-01 00:00"), programme).next_anniversary == date(
        2032, 2, 29
    )


def test_after_a_drop_on_28_february_the_anniversaries_follow_the_new_tier_since(programme):
    since = at("2028-02-29 15:00")
    keep_gold = [buy("2029-06-01 10:00", 800_000), buy("2030-06-01 10:00", 800_000)]
    changes = retention("diamond", since, keep_gold, at("2032-03-01 00:00"), programme)
    assert [(c.at, c.to_tier) for c in changes] == [
        (at("2029-02-28 15:00"), "gold"),
        (at("2032-02-28 15:00"), "silver"),  # not 29 February: the gold year began on the 28th
    ]


def test_at_risk_within_30_days_before_the_anniversary_and_below_the_line(programme):
    low = [buy("2025-09-01 12:00", 700_000)]
    risky = status("gold", GOLD_SINCE, low, at("2026-05-12 10:00"), programme)  # 29 days before
    assert (risky.at_risk, risky.next_anniversary, risky.retention_line_fen) == (
        True,
        date(2026, 6, 10),
        800_000,
    )
    assert not status("gold", GOLD_SINCE, low, at("2026-05-10 10:00"), programme).at_risk  # 31 days
    safe = [buy("2025-09-01 12:00", 800_000)]
    assert not status("gold", GOLD_SINCE, safe, at("2026-05-12 10:00"), programme).at_risk
    entry = status("regular", GOLD_SINCE, [], at("2026-05-12 10:00"), programme)
    assert (entry.at_risk, entry.next_anniversary, entry.retention_line_fen) == (False, None, None)


# -- the nudge -----------------------------------------------------------------------------------


def test_nudge_shown_when_at_most_20_percent_of_the_next_threshold_is_missing(programme):
    since = at("2026-01-01 09:00")
    now = at("2026-03-01 10:00")
    due = status("regular", since, [buy("2026-02-01 10:00", 160_000)], now, programme)
    assert (due.next_tier, due.to_next_tier_fen, due.nudge_due) == ("silver", 40_000, True)
    assert nudge_text(due, programme) == "再消费¥400.00升级为银卡会员"
    assert nudge_text(due, programme, "en") == "Spend ¥400.00 more to reach Silver"
    not_yet = status("regular", since, [buy("2026-02-01 10:00", 159_999)], now, programme)
    assert (not_yet.to_next_tier_fen, not_yet.nudge_due, nudge_text(not_yet, programme)) == (
        40_001,
        False,
        None,
    )


def test_nudge_to_gold_and_none_at_the_top(programme):
    since = at("2026-01-01 09:00")
    now = at("2026-03-01 10:00")
    silver = status("silver", since, [buy("2026-02-01 10:00", 876_550)], now, programme)
    assert nudge_text(silver, programme) == "再消费¥1,234.50升级为金卡会员"
    top = status("diamond", since, [buy("2026-02-01 10:00", 4_900_000)], now, programme)
    assert (top.next_tier, top.to_next_tier_fen, top.nudge_due, nudge_text(top, programme)) == (
        None,
        None,
        False,
        None,
    )
    reached_already = status("silver", since, [buy("2026-02-01 10:00", 1_000_000)], now, programme)
    assert (reached_already.to_next_tier_fen, reached_already.nudge_due) == (0, False)


# -- properties ----------------------------------------------------------------------------------

START = at("2024-01-01 00:00")
SPENDS = st.lists(
    st.builds(
        lambda minutes, fen, is_purchase: Spend(
            START + timedelta(minutes=minutes), fen if is_purchase else -fen, is_purchase
        ),
        st.integers(0, 4 * 365 * 24 * 60),
        st.integers(0, 2_000_000),
        st.booleans(),
    ),
    max_size=25,
)
MOMENT = st.integers(0, 5 * 365 * 24 * 60).map(lambda m: START + timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TIER_IDS), MOMENT, SPENDS, MOMENT)
def test_upgrade_never_lowers_a_tier_and_lands_on_the_reached_tier(tier, since, spends, now):
    change = upgrade(tier, since, spends, now, PROGRAMME)
    target = reached(spends, now, PROGRAMME)
    if change is None:
        assert PROGRAMME.tier_index(target) <= PROGRAMME.tier_index(tier)
    else:
        assert PROGRAMME.tier_index(change.to_tier) > PROGRAMME.tier_index(tier)
        assert change.to_tier == target and change.at == now


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TIER_IDS), MOMENT, SPENDS, st.integers(0, 6 * 365))
def test_retention_is_idempotent_and_drops_one_tier_at_a_time(tier, since, spends, days):
    now = since + timedelta(days=days)
    changes = retention(tier, since, spends, now, PROGRAMME)
    current, current_since = tier, since
    for change in changes:
        assert change.from_tier == current and change.reason == "retention"
        assert PROGRAMME.tier_index(change.to_tier) == PROGRAMME.tier_index(current) - 1
        assert current_since < change.at <= now
        current, current_since = change.to_tier, change.at
    assert retention(current, current_since, spends, now, PROGRAMME) == ()
