"""Redemption limits and steps, and the monthly bonus: what the cashier is allowed and told."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from terminal.errors import PosError
from terminal.points import RedeemLimit, check_redeem, monthly_bonus, redeem_limit
from terminal.rules import default_programme

P = default_programme()


def test_balance_binds(programme):
    limit = redeem_limit(100000, 1234, programme)
    assert limit == RedeemLimit(1200, "积分余额", "balance")


def test_half_of_amount_due_binds(programme):
    # 50% of 190.01 is 95.005 yuan = 9500.5 points -> 9500, already a multiple of 100.
    assert redeem_limit(19001, 50000, programme) == RedeemLimit(9500, "应付金额的50%", "50% of amount due")
    assert redeem_limit(19199, 50000, programme).max_points == 9500  # 9599 rounded down to the step


def test_offline_daily_cap_binds_only_when_offline(programme):
    assert redeem_limit(100000, 50000, programme).max_points == 50000
    offline = redeem_limit(100000, 50000, programme, offline_remaining=2000)
    assert offline == RedeemLimit(2000, "离线每日上限", "offline daily cap")
    assert redeem_limit(100000, 50000, programme, offline_remaining=350).max_points == 300
    assert redeem_limit(100000, 50000, programme, offline_remaining=0).max_points == 0


def test_negative_balance_allows_nothing(programme):
    # A balance can go negative after two offline terminals spent the same points.
    assert redeem_limit(100000, -300, programme) == RedeemLimit(0, "积分余额", "balance")


@given(st.integers(0, 10**9), st.integers(-10**6, 10**7), st.none() | st.integers(0, 10**5))
def test_limit_is_a_step_multiple_within_every_limit(amount_due, balance, offline):
    limit = redeem_limit(amount_due, balance, P, offline_remaining=offline)
    assert limit.max_points % P.redeem.step == 0
    assert 0 <= limit.max_points <= max(balance, 0)
    assert limit.max_points * P.redeem.point_value_fen * 2 <= amount_due
    assert offline is None or limit.max_points <= offline
    check_redeem(limit.max_points, limit, P)  # the maximum shown is itself accepted


def test_requests_are_refused_never_reduced(programme):
    limit = redeem_limit(19000, 1234, programme)  # 1200 allowed, by balance
    check_redeem(1200, limit, programme)
    check_redeem(0, limit, programme)
    with pytest.raises(PosError) as err:
        check_redeem(-100, limit, programme)
    assert err.value.code == "redeem_negative"
    with pytest.raises(PosError) as err:
        check_redeem(550, limit, programme)
    assert err.value.code == "redeem_step"
    assert err.value.message("zh") == "积分须按 100 的倍数使用，最多可用 1200 分"
    with pytest.raises(PosError) as err:
        check_redeem(1300, limit, programme)
    assert err.value.code == "redeem_over_cap"
    assert err.value.message("zh") == "积分抵现超出上限：最多可用 1200 分（积分余额）"
    assert "at most 1200 allowed" in err.value.message("en")


def test_monthly_bonus_on_the_sale_that_reaches_the_threshold(programme):
    assert monthly_bonus(90000, 100000, False, programme) == 200  # exactly reaching counts
    assert monthly_bonus(0, 250000, False, programme) == 200
    assert monthly_bonus(90000, 99999, False, programme) == 0
    assert monthly_bonus(100000, 150000, False, programme) == 0  # reached by an earlier sale
    assert monthly_bonus(90000, 120000, True, programme) == 0


def test_monthly_bonus_is_paid_once_per_month(programme):
    """A refund dropping the spend below the line and a later sale crossing it again pay nothing."""

    def run(spends: list[int]) -> int:
        total = awarded = 0
        for fen in spends:
            bonus = monthly_bonus(total, total + fen, awarded > 0, programme)
            awarded += bonus
            total += fen
        return awarded

    assert run([40000, 70000, 30000, -50000, 60000]) == 200
    assert run([40000, 30000]) == 0
    assert run([40000, 70000]) + run([120000]) == 400  # November and December each
