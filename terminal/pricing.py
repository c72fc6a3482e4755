"""Pricing: one pure function, in the declared order, explained step by step.

lines -> tier discount (per line, half-up; excluded categories skipped) -> one coupon (threshold on
the eligible subtotal after tier discount, allocated to eligible lines) -> points redemption (a tender,
allocated to all lines) -> payable. Points are then earned on what was paid other than by points.
Order-level amounts are allocated by largest remainder in fen, ties to the earlier line.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Sequence
from zoneinfo import ZoneInfo

from terminal.errors import PosError
from terminal.money import MAX_AMOUNT_FEN, format_fen, round_half_up, yuan_text
from terminal.rules import CouponTemplate, Programme, Tier

MAX_QTY = 9999


@dataclass(frozen=True)
class CartLine:
    category: str
    unit_price_fen: int
    qty: int = 1


@dataclass(frozen=True)
class AppliedCoupon:
    """A coupon the service has already checked is the member's, unused and in date."""

    code: str
    template: CouponTemplate


@dataclass(frozen=True)
class PricedLine:
    line_no: int  # 1-based
    category: str
    qty: int
    unit_price_fen: int
    amount_fen: int  # unit_price_fen * qty
    tier_discount_fen: int
    coupon_discount_fen: int
    points_value_fen: int  # share of the points tender
    paid_fen: int  # amount - tier - coupon - points value: what was paid other than by points
    multiplier: Fraction  # tier multiplier x highest campaign multiplier (0 for excluded)
    campaign: str | None  # "weekend" | "category" | "birthday" | None
    points_exact: Fraction  # paid_fen / fen_per_point * multiplier
    points: int  # this line's share of the floored total (largest remainder), sums to points_earned


@dataclass(frozen=True)
class Explanation:
    """One receipt line: what was done, by which rule, for how much."""

    step: str  # "tier_discount" | "coupon" | "points_redeemed" | "points_earned"
    text_zh: str
    text_en: str
    amount_fen: int = 0
    points: int = 0


@dataclass(frozen=True)
class Quote:
    lines: tuple[PricedLine, ...]
    subtotal_fen: int
    tier_discount_fen: int
    coupon_code: str | None
    coupon_discount_fen: int
    amount_due_fen: int  # after tier discount and coupon, before the points tender
    points_redeemed: int
    points_value_fen: int
    payable_fen: int
    points_earned: int  # floored once for the whole sale
    explanations: tuple[Explanation, ...]


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` (>= 0) over `weights` (>= 0) in proportion; largest remainder, ties to the earlier.

    The parts sum to exactly `total`. With all weights zero everything goes nowhere: requires
    total == 0 then. Never gives a part above its weight when total <= sum(weights).
    """
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("allocate needs a total and weights >= 0")
    whole = sum(weights)
    if whole == 0:
        if total:
            raise ValueError("cannot allocate a positive total over zero weights")
        return [0] * len(weights)
    split = [divmod(total * w, whole) for w in weights]
    parts = [q for q, _ in split]
    # Stable sort on the remainder alone keeps earlier lines first among equals.
    order = sorted(range(len(weights)), key=lambda i: -split[i][1])
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _distribute_floor(exact: Sequence[Fraction]) -> list[int]:
    """floor(sum(exact)) split so each part is its floor plus at most one, by largest remainder."""
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: -(exact[i] - parts[i]))
    for i in order[: math.floor(sum(exact, Fraction(0))) - sum(parts)]:
        parts[i] += 1
    return parts


def earn_multiplier(
    category: str, tier_id: str | None, occurred_at: datetime, birthday: date | None, programme: Programme
) -> tuple[Fraction, str | None]:
    """Tier multiplier x the highest campaign multiplier that applies (campaigns do not stack).

    Excluded categories and sales without a member earn 0. Returns (multiplier, campaign name).
    """
    if tier_id is None or programme.is_excluded(category):
        return Fraction(0), None
    earn = programme.earn
    # Campaign days are store days, whatever zone the caller's datetime is in.
    local = occurred_at
    if local.tzinfo is not None:
        local = local.astimezone(ZoneInfo(programme.timezone))
    in_birthday_month = birthday is not None and birthday.month == local.month
    # Listed in tie-break order: on equal multipliers the earlier campaign is the one named.
    campaigns = [
        ("category", earn.category_multipliers.get(category)),
        ("birthday", earn.birthday_month_multiplier if in_birthday_month else None),
        ("weekend", earn.weekend_multiplier if local.isoweekday() in earn.weekend_days else None),
    ]
    best, best_value = None, Decimal(1)  # a campaign must beat x1 to count
    for name, value in campaigns:
        if value is not None and value > best_value:
            best, best_value = name, value
    return Fraction(programme.tier(tier_id).points_multiplier) * Fraction(best_value), best


def coupon_discount(template: CouponTemplate, eligible_subtotal_fen: int) -> int:
    """The coupon's discount on an eligible subtotal; raises PosError('coupon_threshold') below the
    threshold. Never more than the eligible subtotal. Percent coupons round half-up to the fen."""
    if eligible_subtotal_fen < template.threshold_fen:
        raise PosError(
            "coupon_threshold",
            code=template.template,
            threshold=format_fen(template.threshold_fen),
            subtotal=format_fen(eligible_subtotal_fen),
        )
    if template.kind == "amount_off":
        off = template.off_fen
    else:
        off = round_half_up(Fraction(eligible_subtotal_fen) * Fraction(template.percent) / 100)
        if template.max_off_fen is not None:
            off = min(off, template.max_off_fen)
    return max(0, min(off, eligible_subtotal_fen))


def price(
    lines: Sequence[CartLine],
    programme: Programme,
    *,
    tier_id: str | None,
    occurred_at: datetime,
    birthday: date | None = None,
    coupon: AppliedCoupon | None = None,
    redeem_points: int = 0,
) -> Quote:
    """Price a cart. `tier_id` None means no member: no tier discount, no points either way.

    Validates lines (known category, 0 < qty <= MAX_QTY, unit price within money.MAX_AMOUNT_FEN,
    at least one line) with PosError. The redemption amount must already have been checked against
    the cap by points.redeem_limit; here it is only required not to exceed amount_due_fen.
    """
    _validate(lines, programme, redeem_points)
    if tier_id is None and coupon is not None:
        raise PosError("coupon_needs_member")
    if tier_id is None and redeem_points:
        raise PosError("redeem_needs_member")
    tier = programme.tier(tier_id) if tier_id is not None else None
    excluded = [programme.is_excluded(line.category) for line in lines]
    amounts = [line.unit_price_fen * line.qty for line in lines]

    percent = Fraction(tier.discount_percent) if tier is not None else Fraction(0)
    tier_parts = [0 if ex else round_half_up(a * percent / 100) for a, ex in zip(amounts, excluded)]
    after_tier = [a - t for a, t in zip(amounts, tier_parts)]

    eligible = [0 if ex else a for a, ex in zip(after_tier, excluded)]
    coupon_total = 0
    if coupon is not None:
        if sum(eligible) == 0:
            raise PosError("coupon_no_eligible", code=coupon.code)
        coupon_total = coupon_discount(coupon.template, sum(eligible))
    coupon_parts = allocate(coupon_total, eligible)
    after_coupon = [a - c for a, c in zip(after_tier, coupon_parts)]
    amount_due = sum(after_coupon)

    redeem = programme.redeem
    points_value = redeem_points * redeem.point_value_fen
    if points_value > amount_due:
        fit = amount_due // redeem.point_value_fen // redeem.step * redeem.step
        raise PosError("redeem_over_cap", max_points=fit, why="应付金额", why_en="amount due")
    points_parts = allocate(points_value, after_coupon)

    quote_lines = []
    for i, line in enumerate(lines):
        paid = after_coupon[i] - points_parts[i]
        multiplier, campaign = earn_multiplier(
            line.category, tier_id, occurred_at, birthday, programme
        )
        quote_lines.append(PricedLine(
            i + 1, line.category, line.qty, line.unit_price_fen, amounts[i], tier_parts[i],
            coupon_parts[i], points_parts[i], paid, multiplier, campaign if multiplier else None,
            Fraction(paid, programme.earn.fen_per_point) * multiplier, 0,
        ))
    shares = _distribute_floor([line.points_exact for line in quote_lines])
    final = tuple(replace(line, points=n) for line, n in zip(quote_lines, shares))
    return Quote(
        lines=final,
        subtotal_fen=sum(amounts),
        tier_discount_fen=sum(tier_parts),
        coupon_code=coupon.code if coupon is not None else None,
        coupon_discount_fen=coupon_total,
        amount_due_fen=amount_due,
        points_redeemed=redeem_points,
        points_value_fen=points_value,
        payable_fen=amount_due - points_value,
        points_earned=sum(shares),
        explanations=_explain(final, programme, tier, coupon, redeem_points),
    )


def _validate(lines: Sequence[CartLine], programme: Programme, redeem_points: int) -> None:
    """Refuse a cart a cashier could have mistyped, before any arithmetic."""
    if not lines:
        raise PosError("cart_empty")
    known = set(programme.categories)
    for line in lines:
        if line.category not in known:
            raise PosError("category_unknown", category=line.category)
        if type(line.qty) is not int or not 1 <= line.qty <= MAX_QTY:
            raise PosError("quantity_invalid", text=str(line.qty))
        if type(line.unit_price_fen) is not int:  # fen are ints; a float here is refused
            raise PosError("amount_invalid", text=str(line.unit_price_fen))
        if not 0 < line.unit_price_fen <= MAX_AMOUNT_FEN:
            raise PosError("amount_out_of_range", text=yuan_text(line.unit_price_fen))
        if line.unit_price_fen * line.qty > MAX_AMOUNT_FEN:
            raise PosError("amount_out_of_range", text=yuan_text(line.unit_price_fen * line.qty))
    if type(redeem_points) is not int:
        raise PosError("input_invalid", detail=f"redeem_points={redeem_points!r}")
    if redeem_points < 0:
        raise PosError("redeem_negative")


# Receipt names for the default categories; a category head office adds shows its id.
_CATEGORY_ZH = {
    "general": "百货", "fresh": "生鲜", "tobacco": "烟草", "dairy": "乳品", "bakery": "烘焙",
    "beverage": "饮料", "household": "家居", "personal_care": "个护", "apparel": "服饰",
    "electronics": "电器",
}


def _num(value: Decimal) -> str:
    """Decimal('1.20') -> '1.2', Decimal('10') -> '10' (never exponent notation)."""
    return f"{value.normalize():f}"


def _yuan(fen: int) -> str:
    """Receipt-short yuan: 10000 -> '100', 1050 -> '10.50'."""
    return str(fen // 100) if fen % 100 == 0 else yuan_text(fen)


def _zhe(percent_off: Decimal) -> str:
    """Chinese 折 for a percent off: 5 -> '95', 10 -> '9', 12 -> '88', 12.5 -> '8.75'."""
    tenths = (100 - percent_off) / 10
    text = _num(tenths)
    if "." in text and len(text.split(".")[1]) == 1 and tenths >= 1:
        return text.replace(".", "")
    return text


def _coupon_rule(template: CouponTemplate) -> tuple[str, str]:
    if template.kind == "amount_off":
        zh, en = f"减{_yuan(template.off_fen)}", f"¥{_yuan(template.off_fen)} off"
    else:
        zh, en = f"{_zhe(template.percent)}折", f"{_num(template.percent)}% off"
        if template.max_off_fen is not None:
            zh += f" 最高减{_yuan(template.max_off_fen)}"
            en += f" (max ¥{_yuan(template.max_off_fen)})"
    if template.threshold_fen:
        zh = f"满{_yuan(template.threshold_fen)}{zh}"
        en += f" over ¥{_yuan(template.threshold_fen)}"
    return zh, en


def _campaign_text(line: PricedLine, programme: Programme) -> tuple[str, str]:
    earn = programme.earn
    if line.campaign == "category":
        m = _num(earn.category_multipliers[line.category])
        return f"{_CATEGORY_ZH.get(line.category, line.category)}{m}倍", f"{line.category} x{m}"
    if line.campaign == "birthday":
        m = _num(earn.birthday_month_multiplier)
        return f"生日月{m}倍", f"birthday month x{m}"
    m = _num(earn.weekend_multiplier)
    return f"周末{m}倍", f"weekend x{m}"


def _explain(
    lines: tuple[PricedLine, ...], programme: Programme, tier: Tier | None,
    coupon: AppliedCoupon | None, redeem_points: int,
) -> tuple[Explanation, ...]:
    """One receipt line per step that applied, naming the rule."""
    out = []
    earned = sum(line.points for line in lines)
    tier_total = sum(line.tier_discount_fen for line in lines)
    if tier is not None and tier_total:
        out.append(Explanation(
            "tier_discount", f"{tier.name} {_zhe(tier.discount_percent)}折",
            f"{tier.name_en} member {_num(tier.discount_percent)}% off", amount_fen=-tier_total,
        ))
    if coupon is not None:
        zh, en = _coupon_rule(coupon.template)
        total = sum(line.coupon_discount_fen for line in lines)
        out.append(Explanation(
            "coupon", f"优惠券 {coupon.template.template} {zh}",
            f"Coupon {coupon.template.template} {en}", amount_fen=-total,
        ))
    if redeem_points:
        value = sum(line.points_value_fen for line in lines)
        out.append(Explanation(
            "points_redeemed", f"积分抵现 {redeem_points}分", f"Points redeemed: {redeem_points}",
            amount_fen=-value, points=-redeem_points,
        ))
    if tier is not None and earned:
        parts_zh, parts_en = [], []
        if tier.points_multiplier != 1:
            m = _num(tier.points_multiplier)
            parts_zh.append(f"{tier.name.removesuffix('会员')}×{m}")
            parts_en.append(f"{tier.name_en} x{m}")
        seen: list[tuple[str, str]] = []
        for line in lines:
            if line.campaign is not None and line.points_exact:
                text = _campaign_text(line, programme)
                if text not in seen:
                    seen.append(text)
        if seen:
            parts_zh.append("/".join(zh for zh, _ in seen))
            parts_en.append("/".join(en for _, en in seen))
        why_zh = f"（{'，'.join(parts_zh)}）" if parts_zh else ""
        why_en = f" ({', '.join(parts_en)})" if parts_en else ""
        out.append(Explanation(
            "points_earned", f"积分 {earned}分{why_zh}", f"Points earned: {earned}{why_en}",
            points=earned,
        ))
    return tuple(out)
