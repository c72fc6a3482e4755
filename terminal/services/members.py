"""Members: register (with WELCOME and REFERRAL coupons), the member view, points adjustment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from terminal import clock as clocks, coupons, lifecycle, lots, phone, tiers
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import audit, lookup, reads, standing, stored_value, writes
from terminal.services.context import Actor, Terminal, require

MAX_NAME = 50


@dataclass(frozen=True)
class Registered:
    member_id: str
    phone_masked: str
    tier: str
    coupons: tuple[dict[str, str], ...]
    referrer_coupons: tuple[dict[str, str], ...] = ()
    changed: frozenset[str] = field(default=frozenset({"members", "coupons"}))


def register(
    t: Terminal,
    actor: Actor,
    phone_text: str,
    *,
    name: str | None = None,
    birthday: str | date | None = None,
    referrer: str | None = None,
    at: datetime | None = None,
) -> Registered:
    require(actor, "cashier")
    now = t.now(at)
    e164 = phone.normalize(phone_text)
    name = (name or "").strip() or None
    if name is not None and len(name) > MAX_NAME:
        raise PosError("input_invalid", detail=f"name longer than {MAX_NAME}")
    born = clocks.parse_date(birthday) if isinstance(birthday, str) else birthday
    if born is not None and not (date(1900, 1, 1) <= born <= now.date()):
        raise PosError("date_invalid", text=str(birthday))
    referrer_id = None
    if referrer:
        try:
            referrer_id = lookup.find_one(t, referrer)["member_id"]
        except PosError as exc:
            raise PosError("referrer_not_found", query=referrer) from exc
    programme = t.programme
    with t.store.write() as conn:
        if conn.execute("SELECT 1 FROM members WHERE phone = ?", (e164,)).fetchone():
            raise PosError("phone_taken", phone=phone.mask(e164))
        member_id = new_id()
        t.emit(
            "member_registered",
            now,
            actor,
            member_id,
            {
                "phone": e164,
                "name": name,
                "birthday": born.isoformat() if born else None,
                "referrer_id": referrer_id,
                "tier": programme.entry_tier.id,
            },
        )
        conn.execute(
            "INSERT INTO members(member_id, phone, phone_last4, name, birthday, tier, tier_since,"
            " registered_at, referrer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                member_id,
                e164,
                phone.last4(e164),
                name,
                born.isoformat() if born else None,
                programme.entry_tier.id,
                clocks.to_text(now),
                clocks.to_text(now),
                referrer_id,
            ),
        )
        issued = [
            writes.issue_coupon(t, actor, member_id, c.template, now, born)
            for c in programme.templates_issued_on("registration")
        ]
        referral = []
        if referrer_id:
            for c in programme.templates_issued_on("referral"):
                issued.append(writes.issue_coupon(t, actor, member_id, c.template, now, born))
                referral.append(writes.issue_coupon(t, actor, referrer_id, c.template, now))
    return Registered(
        member_id=member_id,
        phone_masked=phone.mask(e164),
        tier=programme.entry_tier.id,
        coupons=tuple(c for c in issued if c),
        referrer_coupons=tuple(c for c in referral if c),
    )


def effective_tier(t: Terminal, row: Any, spend_list: list[tiers.Spend], now: datetime) -> tuple[str, datetime]:
    """The earned tier: the stored tier with any retention drop that is due by now applied (see
    standing.py for the tier the member is served at, paid membership included)."""
    return standing.earned_tier(t, row, spend_list, now)


def view(t: Terminal, query: str, at: datetime | None = None, *, row: Any = None) -> dict[str, Any]:
    """Everything the cashier and manager see of a member, as of `at`."""
    now = t.now(at)
    row = row if row is not None else lookup.find_one(t, query, allow_erased=True)
    member_id = row["member_id"]
    programme = t.programme
    spend_list = reads.spends(t, member_id)
    held = standing.standing(t, row, spend_list, now)
    tier, since = held.tier, held.tier_since
    status = standing.status(t, held, spend_list, now)
    state = reads.points_state(t, member_id)
    purchases = [(s.occurred_at, s.qualifying_fen) for s in spend_list if s.is_purchase and s.occurred_at <= now]
    member_coupons = reads.member_coupons(t, member_id)
    return {
        "member_id": member_id,
        "phone_masked": phone.mask(row["phone"]),
        "name": row["name"],
        "birthday": row["birthday"],
        "status": row["status"],
        "blacklist_reason": row["blacklist_reason"],
        "marketing_consent": None if row["marketing_consent"] is None else bool(row["marketing_consent"]),
        "consent_at": row["consent_at"],
        "tier": tier,
        "tier_name": programme.tier(tier).name,
        "tier_since": clocks.to_text(since),
        "earned_tier": held.earned_tier,
        "paid_tier": held.paid_tier,
        "paid_until": clocks.to_text(held.paid_until) if held.paid_until else None,
        "registered_at": row["registered_at"],
        "points_balance": state.balance(now),
        "points_negative": state.balance(now) < 0,
        "stored_value_fen": stored_value.balance(t, member_id),
        "expiring_points": [
            {"points": p, "expires_on": d.isoformat()} for p, d in state.expiring_within(now, 30)
        ],
        "qualifying_fen": status.qualifying_fen,
        "next_tier": status.next_tier,
        "to_next_tier_fen": status.to_next_tier_fen,
        "nudge": tiers.nudge_text(status, programme),
        "at_risk": status.at_risk,
        "next_anniversary": status.next_anniversary.isoformat() if status.next_anniversary else None,
        "lifecycle": lifecycle.lifecycle([p[0] for p in purchases], now, programme),
        "high_value": lifecycle.high_value(purchases, now, programme),
        "coupons": [
            {
                "code": c.code,
                "template": c.template,
                "valid_from": clocks.to_text(c.valid_from),
                "valid_to": clocks.to_text(c.valid_to),
                "status": coupons.status(c, now),
            }
            for c in member_coupons
        ],
    }


@dataclass(frozen=True)
class Adjusted:
    member_id: str
    delta: int
    points_balance: int
    changed: frozenset[str] = field(default=frozenset({"points"}))


def adjust_points(
    t: Terminal, actor: Actor, query: str, delta: int, reason: str, at: datetime | None = None
) -> Adjusted:
    """A manager's correction with a reason. Cannot take the balance below zero."""
    require(actor, "manager")
    reason = (reason or "").strip()
    if not reason:
        raise PosError("adjust_reason_required")
    if delta == 0:
        raise PosError("adjust_zero")
    now = t.now(at)
    row = lookup.find_one(t, query)
    member_id = row["member_id"]
    # The reason goes into the ledger and the (never rewritten) audit log: not the member's name or phone.
    reason = audit.redact(reason, audit.pii_strings([row["phone"], row["name"]]))
    with t.store.write():
        balance = reads.points_state(t, member_id).balance(now)
        if balance + delta < 0:
            raise PosError("adjust_below_zero", balance=balance)
        payload: dict[str, Any] = {"delta": delta, "reason": reason}
        expires = None
        if delta > 0:
            expires = lots.expires_at(now, t.programme)
            payload["expires_at"] = clocks.to_text(expires)
        event_id = t.emit("points_adjusted", now, actor, member_id, payload)
        if expires is not None:
            writes.add_lot(t, event_id, member_id, expires)
        audit.record(t, actor, "points_adjusted", now, member_id=member_id, delta=delta, reason=reason)
    return Adjusted(member_id, delta, balance + delta)


def give_coupon(t: Terminal, actor: Actor, query: str, template: str, at: datetime | None = None) -> dict[str, str]:
    """A manager (or head office) gives a member a coupon from a template, e.g. RECALL."""
    require(actor, "manager")
    now = t.now(at)
    row = lookup.find_one(t, query)
    try:
        t.programme.coupon_template(template)
    except KeyError:
        raise PosError("coupon_not_found", code=template) from None
    born = clocks.parse_date(row["birthday"]) if row["birthday"] else None
    with t.store.write():
        issued = writes.issue_coupon(t, actor, row["member_id"], template, now, born)
        audit.record(t, actor, "coupon_given", now, member_id=row["member_id"], template=template)
    assert issued is not None
    return {"member_id": row["member_id"], **issued}
