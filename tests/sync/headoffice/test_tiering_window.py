"""tiering._Window: the shortcut that skips tiers.upgrade must never skip an upgrade upgrade() finds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from sync.headoffice import tiering
from sync.headoffice.timekeys import key
from terminal import tiers
from terminal.rules import default_rules_text, parse_rules

PROGRAMME = parse_rules(default_rules_text())
START = datetime(2025, 1, 1, tzinfo=timezone.utc)

spend = st.tuples(st.integers(0, 800 * 24 * 3600), st.integers(-300_000, 2_500_000), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(spend, max_size=40), st.sampled_from([t.id for t in PROGRAMME.tiers]), st.data())
def test_below_next_only_when_upgrade_finds_nothing(raw, tier, data):
    rows = sorted((START + timedelta(seconds=s), fen, buy) for s, fen, buy in raw)
    spends = [tiers.Spend(at, fen if buy else -abs(fen), buy) for at, fen, buy in rows]
    keys = [key(s.occurred_at) for s in spends]
    window = tiering._Window(keys, spends, PROGRAMME)
    at = START + timedelta(seconds=data.draw(st.integers(0, 800 * 24 * 3600)))
    if spends and data.draw(st.booleans()):
        at = data.draw(st.sampled_from(spends)).occurred_at  # on a purchase's own instant
    up = tiers.upgrade(tier, START, spends, at, PROGRAMME)
    if window.below_next(tier, at, key(at)):
        assert up is None
    if up is not None:
        assert not window.below_next(tier, at, key(at))


def test_a_third_purchase_in_the_month_is_not_skipped():
    """Silver's monthly path: three small purchases in one month reach it, however small the spend."""
    at = [datetime(2026, 3, d, 12, tzinfo=timezone.utc) for d in (2, 9, 16)]
    spends = [tiers.Spend(a, 100, True) for a in at]
    window = tiering._Window([key(a) for a in at], spends, PROGRAMME)
    assert window.below_next("regular", at[1], key(at[1]))
    assert not window.below_next("regular", at[2], key(at[2]))
    assert tiers.upgrade("regular", at[0], spends, at[2], PROGRAMME) is not None
