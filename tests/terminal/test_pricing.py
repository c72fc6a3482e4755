"""Pricing: the worked example of the programme, the invariants a cashier relies on, bad input."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from storetime import TZ, at
from hypothesis import given, settings
from hypothesis import strategies as st

from terminal.errors import PosError
from terminal.money import MAX_AMOUNT_FEN
from terminal.pricing import (
    AppliedCoupon,
    CartLine,
    allocate,
    coupon_discount,
    earn_multiplier,
    price,
)
from terminal.rules import CouponTemplate, default_programme

P = default_programme()
SATURDAY = at("2026-11-21 10:00")
TUESDAY = at("2026-11-17 10:00")
EXAMPLE_CART = [CartLine("fresh", 12000), CartLine("general", 8000), CartLine("tobacco", 3000)]


def recall() -> AppliedCoupon:
    return AppliedCoupon("RC7K3M9QX2", P.coupon_template("RECALL"))


def test_worked_example_of_the_programme(programme):
    q = price(EXAMPLE_CART, programme, tier_id="silver", occurred_at=SATURDAY, coupon=recall(),
              redeem_points=500)
    cols = [(ln.tier_discount_fen, ln.coupon_discount_fen, ln.points_value_fen) for ln in q.lines]
    assert cols == [(600, 1800, 253), (400, 1200, 168), (0, 0, 79)]
    assert [ln.paid_fen for ln in q.lines] == [9347, 6232, 2921]
    assert (q.subtotal_fen, q.tier_discount_fen, q.coupon_discount_fen) == (23000, 1000, 3000)
    assert (q.amount_due_fen, q.points_value_fen, q.payable_fen) == (19000, 500, 18500)
    assert [ln.multiplier for ln in q.lines] == [Fraction("3.6"), Fraction("2.4"), 0]
    assert [ln.campaign for ln in q.lines] == ["category", "weekend", None]
    assert [ln.points_exact for ln in q.lines] == [Fraction("336.492"), Fraction("149.568"), 0]
    assert q.points_earned == 486
    assert [ln.points for ln in q.lines] == [336, 150, 0]
    assert q.coupon_code == "RC7K3M9QX2" and q.points_redeemed == 500
    receipt = [(e.step, e.text_zh, e.amount_fen, e.points) for e in q.explanations]
    assert receipt == [
        ("tier_discount", "银卡会员 95折", -1000, 0),
        ("coupon", "优惠券 RECALL 满100减30", -3000, 0),
        ("points_redeemed", "积分抵现 500分", -500, -500),
        ("points_earned", "积分 486分（银卡×1.2，生鲜3倍/周末2倍）", 0, 486),
    ]
    assert q.explanations[3].text_en == "Points earned: 486 (Silver x1.2, fresh x3/weekend x2)"


@pytest.mark.parametrize(
    ("tier", "text_zh", "discount"),
    [("regular", None, 0), ("silver", "银卡会员 95折", 506), ("gold", "金卡会员 9折", 1011),
     ("diamond", "钻石会员 88折", 1213)],
)
def test_tier_discount_is_half_up_per_line_and_named(programme, tier, text_zh, discount):
    # Silver: 5% of 101.00 = 5.05 and 5% of 0.10 = 0.005 -> 0.01; diamond: 12% of 0.10 -> 0.01.
    cart = [CartLine("general", 10100), CartLine("dairy", 10), CartLine("tobacco", 5000)]
    q = price(cart, programme, tier_id=tier, occurred_at=TUESDAY)
    assert q.tier_discount_fen == discount
    assert q.lines[2].tier_discount_fen == 0
    assert q.payable_fen == 15110 - discount
    steps = {e.step: e.text_zh for e in q.explanations}
    assert steps.get("tier_discount") == text_zh


def test_no_member_pays_full_price_and_earns_nothing(programme):
    q = price(EXAMPLE_CART, programme, tier_id=None, occurred_at=SATURDAY)
    assert q.payable_fen == 23000 and q.points_earned == 0
    assert q.explanations == ()


def test_birthday_percent_coupon_rounds_half_up_and_is_capped(programme):
    birthday = AppliedCoupon("B", programme.coupon_template("BIRTHDAY"))
    q = price([CartLine("general", 12345)], programme, tier_id="regular", occurred_at=TUESDAY,
              coupon=birthday)
    assert q.coupon_discount_fen == 1235  # 10% of 123.45 = 12.345 -> 12.35
    assert q.explanations[0].text_zh == "优惠券 BIRTHDAY 9折 最高减50"
    big = price([CartLine("electronics", 99900)], programme, tier_id="regular",
                occurred_at=TUESDAY, coupon=birthday)
    assert big.coupon_discount_fen == 5000


def test_coupon_threshold_is_on_eligible_subtotal_after_tier_discount(programme):
    # 100.00 of general is 95.00 for silver, plus tobacco: below 满100 although the cart is 130.
    cart = [CartLine("general", 10000), CartLine("tobacco", 3000)]
    with pytest.raises(PosError) as err:
        price(cart, programme, tier_id="silver", occurred_at=TUESDAY, coupon=recall())
    assert err.value.code == "coupon_threshold"
    assert "¥100.00" in err.value.message("zh") and "¥95.00" in err.value.message("zh")
    assert price(cart, programme, tier_id="regular", occurred_at=TUESDAY,
                 coupon=recall()).coupon_discount_fen == 3000  # exactly at the threshold


def test_coupon_discount_never_exceeds_the_eligible_subtotal():
    free20 = CouponTemplate(template="FREE20", name="减20", kind="amount_off", off_fen=2000,
                            valid_days=1)
    assert coupon_discount(free20, 1500) == 1500
    assert coupon_discount(free20, 0) == 0


@pytest.mark.parametrize(
    ("cart", "code"),
    [
        ([], "cart_empty"),
        ([CartLine("weapons", 100)], "category_unknown"),
        ([CartLine("general", 100, 0)], "quantity_invalid"),
        ([CartLine("general", 100, -2)], "quantity_invalid"),
        ([CartLine("general", 100, 10_000)], "quantity_invalid"),
        ([CartLine("general", 0)], "amount_out_of_range"),
        ([CartLine("general", -500)], "amount_out_of_range"),
        ([CartLine("general", MAX_AMOUNT_FEN + 1)], "amount_out_of_range"),
        ([CartLine("general", MAX_AMOUNT_FEN, 2)], "amount_out_of_range"),
        ([CartLine("general", 12.5)], "amount_invalid"),  # type: ignore[arg-type]
    ],
)
def test_bad_carts_are_refused(programme, cart, code):
    with pytest.raises(PosError) as err:
        price(cart, programme, tier_id="silver", occurred_at=TUESDAY)
    assert err.value.code == code


def test_bad_coupon_and_redemption_requests_are_refused(programme):
    def code_of(**kw):
        with pytest.raises(PosError) as err:
            price(EXAMPLE_CART[:2], programme, occurred_at=TUESDAY, **kw)
        return err.value

    assert code_of(tier_id="silver", redeem_points=-100).code == "redeem_negative"
    assert code_of(tier_id=None, redeem_points=100).code == "redeem_needs_member"
    assert code_of(tier_id=None, coupon=recall()).code == "coupon_needs_member"
    over = code_of(tier_id="regular", redeem_points=20001)  # the cart is 200.00
    assert over.code == "redeem_over_cap" and over.params["max_points"] == 20000
    with pytest.raises(PosError) as err:
        price([CartLine("tobacco", 20000)], programme, tier_id="silver", occurred_at=TUESDAY,
              coupon=AppliedCoupon("B", programme.coupon_template("BIRTHDAY")))
    assert err.value.code == "coupon_no_eligible"


def test_points_are_floored_once_per_sale_and_shared_by_largest_remainder(programme):
    # 1.50 yuan twice earns 1.5 + 1.5 = 3 points, not 1 + 1; the tie goes to the earlier line.
    q = price([CartLine("general", 150), CartLine("dairy", 150)], programme, tier_id="regular",
              occurred_at=TUESDAY)
    assert q.points_earned == 3 and [ln.points for ln in q.lines] == [2, 1]
    q = price([CartLine("general", 150), CartLine("dairy", 170)], programme, tier_id="regular",
              occurred_at=TUESDAY)
    assert [ln.points for ln in q.lines] == [1, 2]


def test_campaigns_do_not_stack_and_ties_follow_category_birthday_weekend(programme):
    nov = date(1990, 11, 3)
    assert earn_multiplier("general", "regular", TUESDAY, None, programme) == (1, None)
    assert earn_multiplier("general", "gold", SATURDAY, None, programme) == (3, "weekend")
    # Birthday x2 and weekend x2 tie: birthday is named, and the multiplier is 2, not 4.
    assert earn_multiplier("general", "regular", SATURDAY, nov, programme) == (2, "birthday")
    assert earn_multiplier("fresh", "regular", SATURDAY, nov, programme) == (3, "category")
    assert earn_multiplier("tobacco", "diamond", SATURDAY, nov, programme) == (0, None)
    assert earn_multiplier("fresh", None, SATURDAY, nov, programme) == (0, None)


def test_weekend_is_judged_in_store_time(programme):
    from datetime import timezone

    friday_utc = datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc)  # Sat 00:30 in Shanghai
    assert earn_multiplier("general", "regular", friday_utc, None, programme) == (2, "weekend")


def test_allocate_examples():
    assert allocate(500, [9600, 6400, 3000]) == [253, 168, 79]
    assert allocate(1, [5, 5]) == [1, 0]  # tie -> the earlier line
    assert allocate(2, [1, 1, 1]) == [1, 1, 0]
    assert allocate(0, [0, 0]) == [0, 0]
    with pytest.raises(ValueError):
        allocate(1, [0, 0])


@given(st.lists(st.integers(0, 10**9), min_size=1, max_size=12), st.data())
def test_allocate_is_exact_and_bounded(weights, data):
    whole = sum(weights)
    total = data.draw(st.integers(0, whole if whole else 0))
    parts = allocate(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)
    assert all(p <= w for p, w in zip(parts, weights))
    assert all(abs(p - Fraction(total * w, whole)) < 1 for p, w in zip(parts, weights) if whole)


carts = st.lists(
    st.builds(CartLine, st.sampled_from(P.categories), st.integers(1, 300_000), st.integers(1, 12)),
    min_size=1, max_size=8,
)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31), timezones=st.just(TZ))


@settings(deadline=None, max_examples=300)
@given(carts, st.sampled_from([None, *[t.id for t in P.tiers]]), moments,
       st.none() | st.dates(date(1950, 1, 1), date(2010, 12, 31)),
       st.none() | st.sampled_from(P.coupons), st.integers(0, 100))
def test_price_invariants(cart, tier, when, birthday, template, redeem_share):
    kw = dict(tier_id=tier, occurred_at=when, birthday=birthday)
    coupon = AppliedCoupon("T", template) if template and tier else None
    try:
        base = price(cart, P, coupon=coupon, **kw)
    except PosError as err:  # only a coupon can be refused on a valid cart: below its threshold
        assert coupon is not None and err.code in ("coupon_threshold", "coupon_no_eligible")
        plain = price(cart, P, **kw)
        eligible = sum(ln.amount_fen - ln.tier_discount_fen for ln in plain.lines
                       if not P.is_excluded(ln.category))
        assert eligible < template.threshold_fen or eligible == 0
        coupon, base = None, plain
    redeem = base.amount_due_fen * redeem_share // 100 if tier else 0
    q = price(cart, P, coupon=coupon, redeem_points=redeem, **kw)

    assert q == price(cart, P, coupon=coupon, redeem_points=redeem, **kw)
    assert q.subtotal_fen == sum(ln.unit_price_fen * ln.qty for ln in cart)
    assert q.amount_due_fen == q.subtotal_fen - q.tier_discount_fen - q.coupon_discount_fen
    assert 0 <= q.payable_fen == q.amount_due_fen - q.points_value_fen
    assert q.points_value_fen <= q.amount_due_fen
    eligible = sum(ln.amount_fen - ln.tier_discount_fen for ln in q.lines
                   if not P.is_excluded(ln.category))
    assert 0 <= q.coupon_discount_fen <= eligible
    assert sum(ln.coupon_discount_fen for ln in q.lines) == q.coupon_discount_fen
    assert sum(ln.points_value_fen for ln in q.lines) == q.points_value_fen
    assert sum(ln.paid_fen for ln in q.lines) == q.payable_fen
    for ln in q.lines:
        assert 0 <= ln.tier_discount_fen <= ln.amount_fen
        assert ln.paid_fen >= 0
        if P.is_excluded(ln.category) or tier is None:
            assert ln.tier_discount_fen == ln.coupon_discount_fen == ln.points == 0
        assert math.floor(ln.points_exact) <= ln.points <= math.floor(ln.points_exact) + 1
    assert sum(ln.points for ln in q.lines) == q.points_earned
    assert q.points_earned == math.floor(sum(ln.points_exact for ln in q.lines))


def test_quote_is_the_same_in_another_process():
    """Receipt text must not depend on set or dict hash order, which changes per process."""
    script = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from conftest import at\nfrom terminal.rules import default_programme\n"
        "from terminal.pricing import CartLine, price\n"
        "cart = [CartLine(c, 1234 + i) for i, c in enumerate(reversed(default_programme().categories))]\n"
        "print(repr(price(cart, default_programme(), tier_id='gold', "
        "occurred_at=at('2026-11-21 10:00'), birthday=__import__('datetime').date(1990, 11, 1))))\n"
    )
    root = Path(__file__).resolve().parents[2]
    outs = {
        subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outs) == 1 and "points_earned" in outs.pop()
