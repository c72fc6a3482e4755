"""Applying one stored event to the projections. A handler checks everything first and raises
Quarantine before it writes anything, so a quarantined event leaves no trace but itself.

Payloads read (the terminal's, see terminal/services): sale {sale_id, payable_fen, ...},
refund {refund_id, sale_id, refund_fen, ...}, coupon_issued {code, template, valid_from, valid_to,
issue_key}, coupon_redeemed {code, sale_id}, card_issued {card_id, key_id, payload},
card_revoked {card_id, replaced_by}, bonus_awarded {points, month, ...}, the point kinds of
terminal.lots, the stored-value kinds {amount_fen} (stored_value_topup {amount_fen = paid_fen +
bonus_fen, paid_fen, bonus_fen, pay_method} and stored_value_refunded {amount_fen, sale_id,
refund_id} credit, stored_value_spent debits), membership_purchased (memberships.py), and the profile
kinds of members.py. tier_changed (the terminal's provisional view) and rules_loaded are kept, not
applied.

Handlers read and write through `st` (staged.Staged), the chunk's set-wise view of the projections:
what they look up was loaded for the whole chunk, what they write is buffered and written in bulk
after the chunk's last event. `apply_batch` runs the chunk's events in arrival order.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from sync.headoffice import conflicts, members, memberships
from sync.headoffice.batch import Batch, Quarantine
from sync.headoffice.staged import Staged
from sync.headoffice.timekeys import parse, text
from terminal import lots

STORED_VALUE_KINDS = ("stored_value_topup", "stored_value_refunded", "stored_value_spent")
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")
_INT64 = 2**63 - 1


def _member(st: Staged, ev: Any, batch: Batch) -> str:
    if ev.member_id is None:
        raise Quarantine(f"{ev.kind} without member_id")
    canonical = batch.canon.get(ev.member_id) or st.resolve(ev.member_id)
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
    if abs(value) > _INT64:  # projections keep it in a 64-bit column
        raise Quarantine(f"{name} must be within +-{_INT64}")
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


def _spend(st: Staged, ev: Any, batch: Batch, ref: str, fen: int, purchase: bool) -> None:
    canonical = _member(st, ev, batch)
    # the only write: a duplicate ref writes nothing and quarantines
    at, at_key = st.when(ev)
    if not st.spend((ref, ev.member_id, at, at_key, fen, int(purchase), ev.terminal_id, ev.seq)):
        raise Quarantine(f"{ref} is already recorded")
    batch.spend(canonical, at_key)


def sale(st: Staged, ev: Any, batch: Batch) -> None:
    ref = _text(ev.payload, "sale_id")
    fen = _int(ev.payload, "payable_fen", minimum=0)
    if ev.member_id is not None:
        _spend(st, ev, batch, str(ref), fen, True)


def refund(st: Staged, ev: Any, batch: Batch) -> None:
    ref = _text(ev.payload, "refund_id")
    _text(ev.payload, "sale_id")
    fen = _int(ev.payload, "refund_fen", minimum=0)
    if ev.member_id is not None:
        _spend(st, ev, batch, str(ref), -fen, False)


def points(st: Staged, ev: Any, batch: Batch) -> None:
    """Point kinds: checked with the fold's own parser; the balance is the fold at read time."""
    try:
        lots.from_ledger(ev.event_id, ev.kind, ev.occurred_at, ev.payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise Quarantine(f"bad {ev.kind} payload: {exc}") from None
    if ev.kind != "points_adjusted":
        _int(ev.payload, "points", minimum=0)
    canonical = _member(st, ev, batch)
    if ev.kind == "points_redeemed":
        batch.redeemed.add(canonical)
    if ev.kind == "bonus_awarded":
        month = _text(ev.payload, "month")
        if not _MONTH.match(str(month)):
            raise Quarantine("month must be YYYY-MM")
        before = [{k: r[k] for k in ("event_id", "terminal_id", "seq", "points")}
                  for r in st.bonus_awards(st.group(canonical), str(month))]
        st.add_bonus((ev.event_id, ev.member_id, month, ev.payload["points"], ev.terminal_id, ev.seq))
        if before:
            awards = [*before, {"event_id": ev.event_id, "terminal_id": ev.terminal_id, "seq": ev.seq,
                                "points": ev.payload["points"]}]
            st.conflict(conflicts.row("bonus_duplicated", ev.event_id, canonical, {"month": month, "awards": awards}))


def stored_value(st: Staged, ev: Any, batch: Batch) -> None:
    _int(ev.payload, "amount_fen", minimum=0)
    canonical = _member(st, ev, batch)
    if ev.kind == "stored_value_spent":
        batch.sv_spent.add(canonical)


def coupon_issued(st: Staged, ev: Any, batch: Batch) -> None:
    p = ev.payload
    code, template = _text(p, "code"), _text(p, "template")
    valid_from, valid_to = _time(p, "valid_from"), _time(p, "valid_to")
    issue_key = _text(p, "issue_key", optional=True)
    _member(st, ev, batch)
    if st.coupon(str(code)) is not None:
        raise Quarantine(f"coupon code {code} was already issued")
    st.add_coupon((code, ev.member_id, template, st.when(ev)[0], valid_from, valid_to, issue_key, ev.terminal_id))


def coupon_redeemed(st: Staged, ev: Any, batch: Batch) -> None:
    """Every use is recorded; the coupon's use is the earliest by (occurred_at, terminal_id, seq);
    a second use raises 'coupon_reused' with all uses."""
    code = _text(ev.payload, "code")
    sale_id = _text(ev.payload, "sale_id", optional=True)
    canonical = _member(st, ev, batch)
    coupon = st.coupon(str(code))
    if coupon is None:
        raise Quarantine(f"unknown coupon {code}")
    at, at_key = st.when(ev)
    uses = st.use_coupon({"event_id": ev.event_id, "code": code, "sale_id": sale_id, "member_id": ev.member_id,
                          "terminal_id": ev.terminal_id, "seq": ev.seq, "occurred_at": at, "occurred_key": at_key})
    first = uses[0]
    owner = st.resolve(coupon["member_id"])
    if owner is not None and owner != canonical:
        batch.touch(owner)
    if len(uses) > 1:
        st.conflict(conflicts.row("coupon_reused", ev.event_id, canonical, {
            "code": code,
            "uses": [{**conflicts.event_ref(u), "sale_id": u["sale_id"], "member_id": u["member_id"]} for u in uses],
            "kept": first["event_id"],
        }))


def card_issued(st: Staged, ev: Any, batch: Batch) -> None:
    p = ev.payload
    card_id, key_id, payload = _text(p, "card_id"), _text(p, "key_id"), _text(p, "payload")
    _member(st, ev, batch)
    if st.card(str(card_id)) is not None:
        raise Quarantine(f"card {card_id} was already issued")
    st.add_card((card_id, ev.member_id, key_id, payload, st.when(ev)[0], ev.terminal_id))


def card_revoked(st: Staged, ev: Any, batch: Batch) -> None:
    card_id = _text(ev.payload, "card_id")
    replaced_by = _text(ev.payload, "replaced_by", optional=True)
    _member(st, ev, batch)
    card = st.card(str(card_id))
    if card is None:
        raise Quarantine(f"unknown card {card_id}")
    if card["revoked_at"] is None:
        st.revoke_card(str(card_id), st.when(ev)[0], replaced_by)


def profile(st: Staged, ev: Any, batch: Batch) -> None:
    p = ev.payload
    if ev.kind == "member_updated":
        unknown = set(p) - set(members.PROFILE_FIELDS)
        if unknown or not p:
            raise Quarantine(f"member_updated takes {', '.join(members.PROFILE_FIELDS)}")
        if p.get("phone") is not None:
            members._normalize_phone(p["phone"])
    if ev.kind == "member_consent":
        members.consent_of(ev.payload, ev.at)
    canonical = _member(st, ev, batch)
    batch.profile.add(canonical)


def member_registered(st: Staged, ev: Any, batch: Batch) -> None:
    members.register_staged(st, ev, batch)


def membership_purchased(st: Staged, ev: Any, batch: Batch) -> None:
    memberships.purchased(st, ev, batch, _member)


def kept(st: Staged, ev: Any, batch: Batch) -> None:
    """Recorded for the history; head office decides tiers itself. A member must exist."""
    if ev.member_id is not None:
        _member(st, ev, batch)


HANDLERS: dict[str, Callable[[Staged, Any, Batch], None]] = {
    "member_registered": member_registered,
    "member_updated": profile,
    "member_erased": profile,
    "member_blacklisted": profile,
    "member_unblacklisted": profile,
    "member_consent": profile,
    "membership_purchased": membership_purchased,
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


def apply_event(st: Staged, ev: Any, batch: Batch) -> None:
    handler = HANDLERS.get(ev.kind)
    if handler is None:
        raise Quarantine(f"unknown event kind {ev.kind!r}")
    handler(st, ev, batch)


PREPARE_WINDOW = 2_000  # events whose reads are loaded at once: a merge re-reads only the next window


def apply_batch(tx: Any, events: list[Any], batch: Batch, st: Staged | None = None) -> list[tuple[str, str | None]]:
    """Apply a chunk's events (batch.Stored) in arrival order; (status, reason) of each. The
    projections are read set-wise (a window of PREPARE_WINDOW events at a time, ahead of the
    events that need them) and written in bulk at the end (staged.Staged). A rare path that ran on
    the database itself (a merge) drops the cached reads; the next window is read again."""
    st = st or Staged(tx)
    out: list[tuple[str, str | None]] = []
    ready = 0  # events[:ready] are prepared
    for i, ev in enumerate(events):
        if i >= ready:
            ready = i + PREPARE_WINDOW
            st.prepare(events[i:ready])
        try:
            apply_event(st, ev, batch)
            out.append(("stored", None))
        except Quarantine as q:
            out.append(("quarantined", q.reason))
        if st.stale:  # a rare path ran on the database itself: read again for the rest
            st.reset()
            ready = i + 1
    st.flush()
    return out
