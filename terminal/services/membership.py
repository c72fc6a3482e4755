"""Paid membership (付费会员) at the till: buy or renew the programme's paid tier, and show it.

Event: membership_purchased {tier, fee_fen, pay_method, starts_at, ends_at} (ISO, store time; ends_at
exclusive). Renewing before the end extends from the current end (membership.next_grant), so no day
is lost. The grant row (membership_grants) is written in the same transaction as the event. The
member is served at the higher of the earned tier and a grant in force (services/standing.py); when
the period ends they are back at the earned tier with no event. The fee is not a purchase: it earns
no points and is not qualifying spend. Selling it takes money at the till like a sale, so a cashier
may do it; it is audited. Refunding a fee is not offered here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from terminal import clock as clocks, membership
from terminal.errors import PosError
from terminal.services import audit, lookup, reads, standing
from terminal.services.context import Actor, Terminal, require

PAY_METHODS = ("cash", "card", "wechat", "alipay")


@dataclass(frozen=True)
class MembershipResult:
    document: dict[str, Any]
    changed: frozenset[str] = field(default=frozenset({"tier", "membership"}))


def buy(t: Terminal, actor: Actor, query: str, pay_method: str = "cash", at: datetime | None = None) -> MembershipResult:
    """Sell the programme's paid tier to a member (or renew it) for its fee; one transaction."""
    require(actor, "cashier")
    paid = t.programme.paid_membership
    if not paid.enabled:
        raise PosError("membership_disabled")
    if pay_method not in PAY_METHODS:
        raise PosError("input_invalid", detail=f"pay method {pay_method!r}")
    now = t.now(at)
    row = lookup.find_one(t, query, for_sale=True)
    member_id = row["member_id"]
    with t.store.write() as conn:
        current = standing.grants(t, member_id)
        renewal = membership.paid_until(current, now) is not None
        grant = membership.next_grant(t.programme, current, now)
        starts, ends = clocks.to_text(grant.starts_at), clocks.to_text(grant.ends_at)
        event_id = t.emit("membership_purchased", now, actor, member_id, {
            "tier": grant.tier, "fee_fen": paid.fee_fen, "pay_method": pay_method,
            "starts_at": starts, "ends_at": ends})
        conn.execute(
            "INSERT INTO membership_grants(grant_id, member_id, tier, starts_at, ends_at, origin, seq)"
            " VALUES (?, ?, ?, ?, ?, 'local', (SELECT seq FROM events WHERE event_id = ?))",
            (event_id, member_id, grant.tier, starts, ends, event_id))
        audit.record(t, actor, "membership_purchased", now, member_id=member_id, event_id=event_id,
                     tier=grant.tier, fee_fen=paid.fee_fen, pay_method=pay_method, ends_at=ends)
    held = standing.standing(t, row, reads.spends(t, member_id), now)
    return MembershipResult({
        "event_id": event_id, "member_id": member_id, "phone_masked": lookup.mask(row["phone"]),
        "occurred_at": clocks.to_text(now), "name": paid.name, "name_en": paid.name_en,
        "tier": grant.tier, "fee_fen": paid.fee_fen, "pay_method": pay_method, "renewal": renewal,
        "starts_at": starts, "ends_at": ends,
        "paid_until": clocks.to_text(held.paid_until) if held.paid_until else None,
        "served_tier": held.tier, "earned_tier": held.earned_tier,
    })


def show(t: Terminal, query: str, at: datetime | None = None) -> dict[str, Any]:
    """The programme's offer and the member's paid periods, earned tier and tier served at."""
    now = t.now(at)
    row = lookup.find_one(t, query, allow_erased=True)
    held = standing.standing(t, row, reads.spends(t, row["member_id"]), now)
    paid = t.programme.paid_membership
    return {
        "member_id": row["member_id"],
        "phone_masked": lookup.mask(row["phone"]),
        "offer": {"enabled": paid.enabled, "name": paid.name, "name_en": paid.name_en, "tier": paid.tier,
                  "fee_fen": paid.fee_fen, "months": paid.months},
        "tier": held.tier,
        "earned_tier": held.earned_tier,
        "paid_tier": held.paid_tier,
        "paid_until": clocks.to_text(held.paid_until) if held.paid_until else None,
        "grants": [
            {"tier": g.tier, "starts_at": clocks.to_text(g.starts_at), "ends_at": clocks.to_text(g.ends_at),
             "status": "active" if g.active(now) else ("ahead" if g.starts_at > now else "ended")}
            for g in held.grants
        ],
    }
