"""Applying one stored event to the projections. A handler checks everything first and raises
Quarantine before it writes anything, so a quarantined event leaves no trace but itself.

Payloads read (the terminal's, see terminal/services): sale {sale_id, payable_fen, ...},
refund {refund_id, sale_id, refund_fen, ...}, coupon_issued {code, template, valid_from, valid_to,
issue_key}, coupon_redeemed {code, sale_id}, card_issued {card_id, key_id, payload},
card_revoked {card_id, replaced_by}, bonus_awarded {points, month, ...}, the point kinds of
terminal.lots, stored_value_topup / stored_value_spent {amount_fen}, and the profile kinds of
members.py. tier_changed (the terminal's provisional view) and rules_loaded are kept, not applied.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from sync.headoffice import conflicts, members
from sync.headoffice.batch import Batch, Quarantine
from sync.headoffice.timekeys import key, parse, text
from terminal import lots

STORED_VALUE_KINDS = ("stored_value_topup", "stored_value_spent")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


def _member(tx: Any, ev: Any, batch: Batch) -> str:
    if ev.member_id is None:
        raise Quarantine(f"{ev.kind} without member_id")
    canonical = batch.canon.get(ev.member_id) or members.resolve(tx, ev.member_id)
    if canonical is None:
        raise Quarantine(f"unknown member {ev.member_id}")
    batch.canon[ev.member_id] = canonical
    batch.touch(canonical)
    return canonical


def _int(p: dict[str, Any], name: str, *, minimum: int | None = None) -> int:
    value = p.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise Quarantine(f"{name} must be an integer")
    if minimum is not None and value < minimum:
        raise Quarantine(f"{name} must be >= {minimum}")
    return value


def _text(p: dict[str, Any], name: str, *, optional: bool = False) -> str | None:
    value = p.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > 400:
        raise Quarantine(f"{name} must be non-empty text")
    return value


def _time(p: dict[str, Any], name: str) -> str:
    try:
        return text(parse(p.get(name)))
    except (ValueError, TypeError):
        raise Quarantine(f"{name} must be an ISO time with offset") from None


def _spend(tx: Any, ev: Any, batch: Batch, ref: str, fen: int, purchase: bool) -> None:
    canonical = _member(tx, ev, batch)
    cur = tx.execute(  # the only write: a duplicate ref writes nothing and quarantines
        "INSERT INTO spends(ref_id, member_id, occurred_at, occurred_key, qualifying_fen, is_purchase,"
        " terminal_id, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ref_id) DO NOTHING",
        (ref, ev.member_id, text(ev.occurred_at), key(ev.occurred_at), fen, int(purchase), ev.terminal_id, ev.seq),
    )
    if cur.rowcount == 0:
        raise Quarantine(f"{ref} is already recorded")
    batch.spend(canonical, key(ev.occurred_at))


def sale(tx: Any, ev: Any, batch: Batch) -> None:
    ref = _text(ev.payload, "sale_id")
    fen = _int(ev.payload, "payable_fen", minimum=0)
    if ev.member_id is not None:
        _spend(tx, ev, batch, str(ref), fen, True)


def refund(tx: Any, ev: Any, batch: Batch) -> None:
    ref = _text(ev.payload, "refund_id")
    _text(ev.payload, "sale_id")
    fen = _int(ev.payload, "refund_fen", minimum=0)
    if ev.member_id is not None:
        _spend(tx, ev, batch, str(ref), -fen, False)


def points(tx: Any, ev: Any, batch: Batch) -> None:
    """Point kinds: checked with the fold's own parser; the balance is the fold at read time."""
    try:
        lots.from_ledger(ev.event_id, ev.kind, ev.occurred_at, ev.payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise Quarantine(f"bad {ev.kind} payload: {exc}") from None
    if ev.kind != "points_adjusted":
        _int(ev.payload, "points", minimum=0)
    canonical = _member(tx, ev, batch)
    if ev.kind == "points_redeemed":
        batch.redeemed.add(canonical)
    if ev.kind == "bonus_awarded":
        month = _text(ev.payload, "month")
        if not _MONTH.match(str(month)):
            raise Quarantine("month must be YYYY-MM")
        ids = members.group(tx, canonical)
        before = tx.all(f"SELECT event_id, terminal_id, seq, points FROM bonus_months WHERE month = ?"
                        f" AND member_id IN {members.marks(ids)}", (month, *ids))
        tx.execute("INSERT INTO bonus_months(event_id, member_id, month, points, terminal_id, seq)"
                   " VALUES (?, ?, ?, ?, ?, ?)",
                   (ev.event_id, ev.member_id, month, ev.payload["points"], ev.terminal_id, ev.seq))
        if before:
            awards = [*before, {"event_id": ev.event_id, "terminal_id": ev.terminal_id, "seq": ev.seq,
                                "points": ev.payload["points"]}]
            conflicts.record(tx, "bonus_duplicated", ev.event_id, canonical, {"month": month, "awards": awards})


def stored_value(tx: Any, ev: Any, batch: Batch) -> None:
    _int(ev.payload, "amount_fen", minimum=0)
    canonical = _member(tx, ev, batch)
    if ev.kind == "stored_value_spent":
        batch.sv_spent.add(canonical)


def coupon_issued(tx: Any, ev: Any, batch: Batch) -> None:
    p = ev.payload
    code, template = _text(p, "code"), _text(p, "template")
    valid_from, valid_to = _time(p, "valid_from"), _time(p, "valid_to")
    issue_key = _text(p, "issue_key", optional=True)
    _member(tx, ev, batch)
    if tx.one("SELECT 1 AS x FROM coupons WHERE code = ?", (code,)) is not None:
        raise Quarantine(f"coupon code {code} was already issued")
    tx.execute(
        "INSERT INTO coupons(code, member_id, template, issued_at, valid_from, valid_to, issue_key, terminal_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code, ev.member_id, template, text(ev.occurred_at), valid_from, valid_to, issue_key, ev.terminal_id),
    )


def coupon_redeemed(tx: Any, ev: Any, batch: Batch) -> None:
    """Every use is recorded; the coupon's use is the earliest by (occurred_at, terminal_id, seq);
    a second use raises 'coupon_reused' with all uses."""
    code = _text(ev.payload, "code")
    sale_id = _text(ev.payload, "sale_id", optional=True)
    canonical = _member(tx, ev, batch)
    coupon = tx.one("SELECT member_id FROM coupons WHERE code = ?", (code,))
    if coupon is None:
        raise Quarantine(f"unknown coupon {code}")
    tx.execute(
        "INSERT INTO coupon_uses(event_id, code, sale_id, member_id, terminal_id, seq, occurred_at, occurred_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (ev.event_id, code, sale_id, ev.member_id, ev.terminal_id, ev.seq, text(ev.occurred_at), key(ev.occurred_at)),
    )
    uses = tx.all("SELECT * FROM coupon_uses WHERE code = ? ORDER BY occurred_key, terminal_id, seq", (code,))
    first = uses[0]
    tx.execute("UPDATE coupons SET used_sale_id = ?, used_at = ? WHERE code = ?",
               (first["sale_id"], first["occurred_at"], code))
    owner = members.resolve(tx, coupon["member_id"])
    if owner is not None and owner != canonical:
        batch.touch(owner)
    if len(uses) > 1:
        conflicts.record(tx, "coupon_reused", ev.event_id, canonical, {
            "code": code,
            "uses": [{**conflicts.event_ref(u), "sale_id": u["sale_id"], "member_id": u["member_id"]} for u in uses],
            "kept": first["event_id"],
        })


def card_issued(tx: Any, ev: Any, batch: Batch) -> None:
    p = ev.payload
    card_id, key_id, payload = _text(p, "card_id"), _text(p, "key_id"), _text(p, "payload")
    _member(tx, ev, batch)
    if tx.one("SELECT 1 AS x FROM cards WHERE card_id = ?", (card_id,)) is not None:
        raise Quarantine(f"card {card_id} was already issued")
    tx.execute(
        "INSERT INTO cards(card_id, member_id, key_id, payload, issued_at, terminal_id) VALUES (?, ?, ?, ?, ?, ?)",
        (card_id, ev.member_id, key_id, payload, text(ev.occurred_at), ev.terminal_id),
    )


def card_revoked(tx: Any, ev: Any, batch: Batch) -> None:
    card_id = _text(ev.payload, "card_id")
    replaced_by = _text(ev.payload, "replaced_by", optional=True)
    _member(tx, ev, batch)
    card = tx.one("SELECT revoked_at FROM cards WHERE card_id = ?", (card_id,))
    if card is None:
        raise Quarantine(f"unknown card {card_id}")
    if card["revoked_at"] is None:
        tx.execute("UPDATE cards SET revoked_at = ?, replaced_by = ? WHERE card_id = ?",
                   (text(ev.occurred_at), replaced_by, card_id))


def profile(tx: Any, ev: Any, batch: Batch) -> None:
    p = ev.payload
    if ev.kind == "member_updated":
        unknown = set(p) - set(members.PROFILE_FIELDS)
        if unknown or not p:
            raise Quarantine(f"member_updated takes {', '.join(members.PROFILE_FIELDS)}")
        if p.get("phone") is not None:
            members._normalize_phone(p["phone"])
    canonical = _member(tx, ev, batch)
    batch.profile.add(canonical)


def member_registered(tx: Any, ev: Any, batch: Batch) -> None:
    members.register(tx, ev, batch)


def kept(tx: Any, ev: Any, batch: Batch) -> None:
    """Recorded for the history; head office decides tiers itself. A member must exist."""
    if ev.member_id is not None:
        _member(tx, ev, batch)


HANDLERS: dict[str, Callable[[Any, Any, Batch], None]] = {
    "member_registered": member_registered,
    "member_updated": profile,
    "member_erased": profile,
    "member_blacklisted": profile,
    "member_unblacklisted": profile,
    "sale": sale,
    "refund": refund,
    "coupon_issued": coupon_issued,
    "coupon_redeemed": coupon_redeemed,
    "card_issued": card_issued,
    "card_revoked": card_revoked,
    "tier_changed": kept,
    "rules_loaded": kept,
    **{kind: points for kind in lots.POINT_KINDS},
    **{kind: stored_value for kind in STORED_VALUE_KINDS},
}


def apply_event(tx: Any, ev: Any, batch: Batch) -> None:
    handler = HANDLERS.get(ev.kind)
    if handler is None:
        raise Quarantine(f"unknown event kind {ev.kind!r}")
    handler(tx, ev, batch)

