"""Lifecycle labels (new/active/dormant/lost at 90 and 180 days) and the high-value flag."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from storetime import at
from terminal.lifecycle import high_value, lifecycle
from terminal.rules import default_programme

PROGRAMME = default_programme()
LAST = at("2026-01-10 15:00")


def test_no_purchase_yet_is_new_and_later_purchases_are_ignored(programme):
    assert lifecycle([], at("2026-01-10 15:00"), programme) == "new"
    assert lifecycle([at("2026-02-01 10:00")], at("2026-01-31 10:00"), programme) == "new"


def test_boundaries_at_90_and_180_days(programme):
    label = {
        d: lifecycle([LAST], LAST + timedelta(days=d), programme)
        for d in (0, 89, 90, 179, 180, 400)
    }
    assert label == {
        0: "active",
        89: "active",
        90: "dormant",
        179: "dormant",
        180: "lost",
        400: "lost",
    }


def test_days_are_store_calendar_days_so_a_label_holds_all_day(programme):
    evening = at("2026-01-10 23:30")
    assert (
        lifecycle([evening], at("2026-04-10 00:10"), programme) == "dormant"
    )  # 90th day, barely 89x24h
    assert lifecycle([evening], at("2026-04-09 23:59"), programme) == "active"


def test_the_latest_purchase_decides(programme):
    purchases = [at("2025-01-01 10:00"), at("2026-03-01 10:00"), at("2025-06-01 10:00")]
    assert lifecycle(purchases, at("2026-04-01 10:00"), programme) == "active"


NOW = at("2026-06-30 18:00")


def regular_buyer(count: int, fen: int, last_days_ago: int = 1) -> list:
    """`count` purchases spread over the last 90 days, the latest `last_days_ago` days ago."""
    return [
        (NOW - timedelta(days=last_days_ago + i * 80 // max(count, 1)), fen) for i in range(count)
    ]


def test_high_value_needs_nine_purchases_in_90_days_averaging_above_200_yuan(programme):
    assert high_value(regular_buyer(9, 20_001), NOW, programme)
    assert not high_value(regular_buyer(8, 30_000), NOW, programme)  # fewer than 3 a month
    assert not high_value(regular_buyer(9, 20_000), NOW, programme)  # ¥200 exactly is not above


def test_high_value_needs_a_purchase_in_the_last_30_days(programme):
    assert high_value(regular_buyer(12, 25_000, last_days_ago=29), NOW, programme)
    assert not high_value(regular_buyer(12, 25_000, last_days_ago=30), NOW, programme)


def test_high_value_counts_only_the_last_90_days(programme):
    recent = regular_buyer(8, 25_000)
    old = (NOW - timedelta(days=90), 25_000)  # exactly 90 days ago: outside (as_of - 90d, as_of]
    assert not high_value([*recent, old], NOW, programme)
    assert high_value([*recent, (NOW - timedelta(days=89, hours=23), 25_000)], NOW, programme)
    assert not high_value([*recent, (NOW + timedelta(hours=1), 25_000)], NOW, programme)  # future
    big_old = (NOW - timedelta(days=100), 10_000_000)  # does not lift the window's average ticket
    assert not high_value([*regular_buyer(9, 19_000), big_old], NOW, programme)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 400), min_size=1, max_size=10), st.integers(0, 400))
def test_lifecycle_follows_the_most_recent_purchase_only(days_ago, offset):
    now = at("2027-01-01 12:00")
    times = [now - timedelta(days=d) for d in days_ago]
    latest = min(days_ago)
    expected = "active" if latest < 90 else "dormant" if latest < 180 else "lost"
    assert lifecycle(times, now, PROGRAMME) == expected
    assert lifecycle([*times, now + timedelta(days=offset + 1)], now, PROGRAMME) == expected
