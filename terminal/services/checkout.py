"""Quote and sale: the same plan, computed by the same pure rules; a sale commits it in one
transaction (sale + lines + events + projections), a quote commits nothing."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from terminal import clock as clocks, coupons, lots, points, pricing, tiers
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import lookup, reads, standing, stored_value, writes
from terminal.services.context import Actor, Terminal, require

PAY_METHODS = ("cash", "card", "wechat", "alipay", "other", "stored_value")
STORED_VALUE = "stored_value"  # the whole payable from the member's stored value (储值)


@dataclass(frozen=True)
class SaleRequest:
    lines: tuple[pricing.CartLine, ...]
    member: str | None = None  # any lookup query: phone, last 4, card payload, member id
    coupon: str | None = None
    redeem_points: int = 0
    pay_method: str = "cash"


@dataclass(frozen=True)
class Plan:
    now: datetime
    member: sqlite3.Row | None
    quote: pricing.Quote
    limit: points.RedeemLimit | None
    offline: bool
    tier_before: str | None  # the tier the member is served at (paid membership included): prices the sale
    tier_since: datetime | None  # since when the member holds the earned tier
    retention: tuple[tiers.TierChange, ...]
    upgrade: tiers.TierChange | None
    status_after: tiers.TierStatus | None
    month: str
    bonus_points: int
    state_after: lots.PointsState | None
    lot_expires_at: datetime
    earned_before: str | None = None  # the earned tier (upgrades and retention move this one)
    tier_after: str | None = None  # served at after the sale
    paid_until: datetime | None = None
    stored_value_before: int | None = None  # the member's stored value before the sale
    stored_value_paid: int = 0  # paid by stored value in this sale


@dataclass(frozen=True)
class SaleResult:
    document: dict[str, Any]
    changed: frozenset[str] = field(default=frozenset())


def plan(t: Terminal, req: SaleRequest, at: datetime | None = None) -> Plan:
    """Everything a sale would do, decided and checked; nothing written."""
    now = t.now(at)
    programme = t.programme
    if req.pay_method not in PAY_METHODS:
        raise PosError("input_invalid", detail=f"pay method {req.pay_method!r}")
    if req.redeem_points < 0:
        raise PosError("redeem_negative")
    member = lookup.find_one(t, req.member, for_sale=True) if req.member else None
    if member is None:
        if req.pay_method == STORED_VALUE:
            raise PosError("stored_value_needs_member")
        if req.coupon:
            raise PosError("coupon_needs_member")
        if req.redeem_points:
            raise PosError("redeem_needs_member")
        quote = pricing.price(req.lines, programme, tier_id=None, occurred_at=now)
        return Plan(now, None, quote, None, False, None, None, (), None, None, now.strftime("%Y-%m"), 0, None,
                    lots.expires_at(now, programme))
    member_id = member["member_id"]
    spend_list = reads.spends(t, member_id)
    tier_since = clocks.from_text(member["tier_since"])
    retention = tiers.retention(member["tier"], tier_since, spend_list, now, programme)
    held = standing.standing(t, member, spend_list, now)
    tier_before, tier_since = held.tier, held.earned_since
    birthday = clocks.parse_date(member["birthday"]) if member["birthday"] else None

    applied = None
    if req.coupon:
        coupon = reads.coupon(t, req.coupon)
        coupons.check_usable(coupon, member_id, now)
        applied = pricing.AppliedCoupon(coupon.code, programme.coupon_template(coupon.template))

    state = reads.points_state(t, member_id)
    offline = t.is_offline(now)
    offline_left = None
    if offline:
        offline_left = max(0, programme.redeem.offline_cap_points - reads.offline_redeemed_today(t, member_id, now))
    # Pricing is the costliest step of a sale. amount_due_fen (after tier discount and coupon, before
    # the points tender) does not depend on the points redeemed, so a sale redeeming points is priced
    # once, with them; the limit is checked on that price exactly as on the price without them. If that
    # call fails, the original two-step path below runs and raises whatever it always raised.
    redeemed: pricing.Quote | None = None
    if req.redeem_points:
        try:
            redeemed = pricing.price(
                req.lines, programme, tier_id=tier_before, occurred_at=now, birthday=birthday, coupon=applied,
                redeem_points=req.redeem_points,
            )
        except Exception:
            redeemed = None
    undiscounted = redeemed if redeemed is not None else pricing.price(
        req.lines, programme, tier_id=tier_before, occurred_at=now, birthday=birthday, coupon=applied
    )
    limit = points.redeem_limit(undiscounted.amount_due_fen, state.balance(now), programme, offline_remaining=offline_left)
    points.check_redeem(req.redeem_points, limit, programme)
    if not req.redeem_points or redeemed is not None:
        quote = undiscounted
    else:
        quote = pricing.price(
            req.lines, programme, tier_id=tier_before, occurred_at=now, birthday=birthday, coupon=applied,
            redeem_points=req.redeem_points,
        )

    stored_before = stored_value.balance(t, member_id)
    stored_paid = 0
    if req.pay_method == STORED_VALUE:
        stored_value.check_spend(t, member_id, quote.payable_fen, now, offline, before=stored_before)
        stored_paid = quote.payable_fen

    # Upgrades move the earned tier; the member is served at the higher of it and a paid grant.
    this_sale = tiers.Spend(now, quote.payable_fen, True)
    upgrade = tiers.upgrade(held.earned_tier, tier_since, [*spend_list, this_sale], now, programme)
    earned_after, since_after = (upgrade.to_tier, upgrade.at) if upgrade else (held.earned_tier, tier_since)
    held_after = standing.of(t, earned_after, since_after, held.grants, now)
    status_after = standing.status(t, held_after, [*spend_list, this_sale], now)

    month = now.strftime("%Y-%m")
    month_before = sum(
        s.qualifying_fen for s in spend_list if s.occurred_at <= now and s.occurred_at.strftime("%Y-%m") == month
    )
    bonus = points.monthly_bonus(
        month_before, month_before + quote.payable_fen, reads.bonus_awarded(t, member_id, month), programme
    )

    expires = lots.expires_at(now, programme)
    after = state
    if quote.points_redeemed:
        after = lots.apply(after, lots.PointsEvent("redeem", "points_redeemed", now, -quote.points_redeemed))
    if quote.points_earned:
        after = lots.apply(after, lots.PointsEvent("earn", "points_earned", now, quote.points_earned, expires))
    if bonus:
        after = lots.apply(after, lots.PointsEvent("bonus", "bonus_awarded", now, bonus, expires))
    return Plan(now, member, quote, limit, offline, tier_before, tier_since, retention, upgrade, status_after,
                month, bonus, after, expires, earned_before=held.earned_tier, tier_after=held_after.tier,
                paid_until=held_after.paid_until, stored_value_before=stored_before, stored_value_paid=stored_paid)


def quote(t: Terminal, actor: Actor, req: SaleRequest, at: datetime | None = None) -> dict[str, Any]:
    """What the sale would be, shown before payment. Commits nothing."""
    require(actor, "cashier")
    return document(t, plan(t, req, at), sale_id=None, receipt_no=None, pay_method=req.pay_method)


def sale(t: Terminal, actor: Actor, req: SaleRequest, at: datetime | None = None) -> SaleResult:
    """Commit a sale: one transaction, all or nothing."""
    require(actor, "cashier")
    with t.store.write() as conn:
        p = plan(t, req, at)
        sale_id = new_id()
        receipt_no = _next_receipt_no(t, conn)
        _write(t, conn, actor, p, req, sale_id, receipt_no)
    changed = {"sales"}
    if p.member is not None:
        changed |= {"points"} if (p.quote.points_earned or p.quote.points_redeemed or p.bonus_points) else set()
        changed |= {"coupons"} if req.coupon else set()
        changed |= {"tier"} if (p.upgrade or p.retention) else set()
        changed |= {"stored_value"} if p.stored_value_paid else set()
    return SaleResult(document(t, p, sale_id, receipt_no, req.pay_method), frozenset(changed))


def _next_receipt_no(t: Terminal, conn: sqlite3.Connection) -> str:
    n = int(t.store.setting("receipt_counter", "0") or 0) + 1
    conn.execute(
        "INSERT INTO settings(key, value) VALUES ('receipt_counter', ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (str(n),),
    )
    return f"{t.store.setting('receipt_prefix', 'T')}-{n:06d}"


def _write(
    t: Terminal, conn: sqlite3.Connection, actor: Actor, p: Plan, req: SaleRequest, sale_id: str, receipt_no: str
) -> None:
    q = p.quote
    now_text = clocks.to_text(p.now)
    member_id = p.member["member_id"] if p.member is not None else None
    tier_after = p.tier_after if member_id is not None else None
    earned_after = p.upgrade.to_tier if p.upgrade else p.earned_before
    line_rows = [
        (sale_id, ln.line_no, ln.category, ln.qty, ln.unit_price_fen, ln.amount_fen, ln.tier_discount_fen,
         ln.coupon_discount_fen, ln.points_value_fen, ln.paid_fen, ln.points)
        for ln in q.lines
    ]
    for change in p.retention:
        t.emit("tier_changed", change.at, None, member_id,
               {"from": change.from_tier, "to": change.to_tier, "reason": change.reason})
    redeem_event = new_id() if q.points_redeemed else None
    earn_event = new_id() if q.points_earned else None
    conn.execute(
        "INSERT INTO sales(sale_id, receipt_no, member_id, staff_id, occurred_at, subtotal_fen, tier_discount_fen,"
        " coupon_code, coupon_discount_fen, points_redeemed, points_value_fen, payable_fen, points_earned,"
        " bonus_points, pay_method, tier_before, tier_after, earn_event_id, redeem_event_id, offline,"
        " stored_value_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sale_id, receipt_no, member_id, actor.staff_id, now_text, q.subtotal_fen, q.tier_discount_fen,
         q.coupon_code, q.coupon_discount_fen, q.points_redeemed, q.points_value_fen, q.payable_fen,
         q.points_earned, p.bonus_points, req.pay_method, p.tier_before, tier_after, earn_event, redeem_event,
         int(p.offline), p.stored_value_paid),
    )
    conn.executemany("INSERT INTO sale_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", line_rows)
    sale_event = t.emit("sale", p.now, actor, member_id, {
        "sale_id": sale_id, "receipt_no": receipt_no, "pay_method": req.pay_method, "offline": p.offline,
        "subtotal_fen": q.subtotal_fen, "tier_discount_fen": q.tier_discount_fen, "coupon_code": q.coupon_code,
        "coupon_discount_fen": q.coupon_discount_fen, "points_redeemed": q.points_redeemed,
        "points_value_fen": q.points_value_fen, "payable_fen": q.payable_fen, "points_earned": q.points_earned,
        "bonus_points": p.bonus_points, "tier_before": p.tier_before, "tier_after": tier_after,
        "lines": [dict(zip(_LINE_KEYS, row[1:])) for row in line_rows],
    })
    if member_id is None:
        return
    if p.stored_value_paid:
        t.emit("stored_value_spent", p.now, actor, member_id, {"amount_fen": p.stored_value_paid, "sale_id": sale_id})
    if q.coupon_code:
        conn.execute("UPDATE coupons SET used_sale_id = ?, used_at = ? WHERE code = ?", (sale_id, now_text, q.coupon_code))
        t.emit("coupon_redeemed", p.now, actor, member_id, {"code": q.coupon_code, "sale_id": sale_id})
    if redeem_event:
        t.emit("points_redeemed", p.now, actor, member_id,
               {"sale_id": sale_id, "points": q.points_redeemed, "offline": p.offline}, event_id=redeem_event)
    expires_text = clocks.to_text(p.lot_expires_at)
    if earn_event:
        t.emit("points_earned", p.now, actor, member_id,
               {"sale_id": sale_id, "points": q.points_earned, "expires_at": expires_text}, event_id=earn_event)
        writes.add_lot(t, earn_event, member_id, p.lot_expires_at)
    if p.bonus_points:
        bonus_event = t.emit("bonus_awarded", p.now, actor, member_id, {
            "points": p.bonus_points, "month": p.month, "reason": "monthly_bonus", "sale_id": sale_id,
            "expires_at": expires_text})
        writes.add_lot(t, bonus_event, member_id, p.lot_expires_at)
        conn.execute("INSERT INTO bonus_months VALUES (?, ?, ?)", (member_id, p.month, p.bonus_points))
    conn.execute("INSERT INTO spends(member_id, occurred_at, qualifying_fen, is_purchase, ref_id, seq)"
                 " VALUES (?, ?, ?, 1, ?, (SELECT seq FROM events WHERE event_id = ?))",
                 (member_id, now_text, q.payable_fen, sale_id, sale_event))
    if p.upgrade:
        t.emit("tier_changed", p.now, actor, member_id,
               {"from": p.upgrade.from_tier, "to": p.upgrade.to_tier, "reason": "upgrade", "sale_id": sale_id})
    if p.upgrade or p.retention:
        since = p.upgrade.at if p.upgrade else p.tier_since
        conn.execute("UPDATE members SET tier = ?, tier_since = ? WHERE member_id = ?",
                     (earned_after, clocks.to_text(since), member_id))


_LINE_KEYS = ("line_no", "category", "qty", "unit_price_fen", "amount_fen", "tier_discount_fen",
              "coupon_discount_fen", "points_value_fen", "paid_fen", "points")


def document(
    t: Terminal, p: Plan, sale_id: str | None, receipt_no: str | None, pay_method: str
) -> dict[str, Any]:
    """The sale (or quote) as the CLI prints it and the receipt shows it."""
    q = p.quote
    status = p.status_after
    m = p.member
    tier_after = p.tier_after if m is not None else None
    return {
        "sale_id": sale_id,
        "receipt_no": receipt_no,
        "occurred_at": clocks.to_text(p.now),
        "store_name": t.store_name,
        "pay_method": pay_method,
        "offline": p.offline,
        "member": None if m is None else {
            "member_id": m["member_id"],
            "phone_masked": lookup.mask(m["phone"]),
            "name": m["name"],
            "tier_before": p.tier_before,
            "tier_after": tier_after,
            "paid_until": clocks.to_text(p.paid_until) if p.paid_until else None,
        },
        "lines": [
            {
                "line_no": ln.line_no, "category": ln.category, "qty": ln.qty,
                "unit_price_fen": ln.unit_price_fen, "amount_fen": ln.amount_fen,
                "tier_discount_fen": ln.tier_discount_fen, "coupon_discount_fen": ln.coupon_discount_fen,
                "points_value_fen": ln.points_value_fen, "paid_fen": ln.paid_fen,
                "campaign": ln.campaign, "points": ln.points,
            }
            for ln in q.lines
        ],
        "subtotal_fen": q.subtotal_fen,
        "tier_discount_fen": q.tier_discount_fen,
        "coupon_code": q.coupon_code,
        "coupon_discount_fen": q.coupon_discount_fen,
        "amount_due_fen": q.amount_due_fen,
        "points_redeemed": q.points_redeemed,
        "points_value_fen": q.points_value_fen,
        "payable_fen": q.payable_fen,
        "points_earned": q.points_earned,
        "bonus_points": p.bonus_points,
        "points_balance": p.state_after.balance(p.now) if p.state_after is not None else None,
        "redeem_max": None if p.limit is None else {
            "max_points": p.limit.max_points, "why": p.limit.why, "why_en": p.limit.why_en},
        "tier_changed": p.upgrade is not None and tier_after != p.tier_before,
        "stored_value_paid_fen": p.stored_value_paid,
        "stored_value_balance_fen": None if p.stored_value_before is None
        else p.stored_value_before - p.stored_value_paid,
        "next_tier": status.next_tier if status else None,
        "to_next_tier_fen": status.to_next_tier_fen if status else None,
        "nudge": tiers.nudge_text(status, t.programme) if status else None,
        "expiring_points": [] if p.state_after is None else [
            {"points": pts, "expires_on": day.isoformat()} for pts, day in p.state_after.expiring_within(p.now, 30)
        ],
        "explanations": [
            {"step": e.step, "text": e.text_zh, "text_en": e.text_en, "amount_fen": e.amount_fen, "points": e.points}
            for e in q.explanations
        ],
    }


def lines_from(specs: Sequence[tuple[str, int, int]]) -> tuple[pricing.CartLine, ...]:
    return tuple(pricing.CartLine(c, price, qty) for c, price, qty in specs)
