"""Stored value (储值): top-up at the till, the member's balance, its history, and the checks a
sale paid by stored value must pass (checkout pays, refunds put the stored-value part back).

Events (the contract head office applies too; amounts in fen):
  stored_value_topup    {amount_fen (credited = paid_fen + bonus_fen), paid_fen, bonus_fen, pay_method}
  stored_value_spent    {amount_fen, sale_id}
  stored_value_refunded {amount_fen, sale_id, refund_id}

Balance = head office's confirmed balance (the member snapshot's stored_value_fen) + this terminal's
own stored-value events with seq > the snapshot's includes_seq, for the member and every id merged
into it: the same rule as points (see reads.py). Without a snapshot, or with one that says nothing
about stored value, the local ledger alone. It is real money: a till never takes it below zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from terminal import clock as clocks, stored_value as sv
from terminal.errors import PosError
from terminal.money import format_fen
from terminal.services import audit, lookup, reads
from terminal.services.context import Actor, Terminal, require

TOPUP_PAY_METHODS = ("cash", "card", "wechat", "alipay")
_KINDS = tuple(sorted(sv.KINDS))


def _in(ids: tuple[str, ...]) -> str:
    return "(" + ",".join("?" * len(ids)) + ")"


def confirmed(t: Terminal, member_id: str) -> tuple[int, int | None]:
    """(includes_seq, head office's confirmed balance), or (0, None) when no snapshot says one."""
    row = t.store.conn.execute(
        "SELECT includes_seq, stored_value_fen FROM member_snapshots WHERE member_id = ?", (member_id,)).fetchone()
    if row is None or row[1] is None:
        return 0, None
    return int(row[0]), int(row[1])


def _own_rows(t: Terminal, member_id: str, after_seq: int) -> list[tuple[Any, ...]]:
    ids = reads.member_ids(t, member_id)
    return t.store.conn.execute(
        f"SELECT seq, event_id, kind, occurred_at, payload FROM events WHERE member_id IN {_in(ids)}"
        f" AND seq > ? AND kind IN {_in(_KINDS)} ORDER BY seq", (*ids, after_seq, *_KINDS)).fetchall()


def balance(t: Terminal, member_id: str) -> int:
    """The member's stored value as this terminal knows it (fen; < 0 only if head office says so)."""
    includes, base = confirmed(t, member_id)
    rows = _own_rows(t, member_id, includes)
    return (base or 0) + sv.balance((kind, json.loads(payload)) for _, _, kind, _, payload in rows)


def history(t: Terminal, member_id: str) -> list[dict[str, Any]]:
    """This terminal's own stored-value events for the member, oldest first; `amount_fen` is signed
    (credit +, spending -) and `confirmed` says head office's balance already includes it."""
    includes, base = confirmed(t, member_id)
    out = []
    for seq, event_id, kind, occurred_at, payload in _own_rows(t, member_id, 0):
        body = json.loads(payload)
        amount = int(body.get("amount_fen", 0))
        out.append({
            "seq": seq, "event_id": event_id, "kind": kind, "occurred_at": occurred_at,
            "amount_fen": -amount if kind in sv.DEBIT_KINDS else amount,
            "paid_fen": body.get("paid_fen"), "bonus_fen": body.get("bonus_fen"),
            "pay_method": body.get("pay_method"), "sale_id": body.get("sale_id"),
            "refund_id": body.get("refund_id"),
            "confirmed": base is not None and seq <= includes,
        })
    return out


def offline_spent_today(t: Terminal, member_id: str, now: datetime) -> int:
    """Stored value this terminal let the member spend while offline, today (store time)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    ids = reads.member_ids(t, member_id)
    value = t.store.scalar(
        f"SELECT COALESCE(SUM(stored_value_fen), 0) FROM sales WHERE member_id IN {_in(ids)} AND offline = 1"
        " AND occurred_at >= ? AND occurred_at < ?",
        (*ids, clocks.to_text(day_start), clocks.to_text(day_start + timedelta(days=1))))
    return int(value)


def check_spend(t: Terminal, member_id: str, amount_fen: int, now: datetime, offline: bool,
                before: int | None = None) -> int:
    """Refuse a stored-value payment the balance (or, offline, the daily cap) does not cover.
    Returns the balance before it (`before`, when the caller has just read it)."""
    before = balance(t, member_id) if before is None else before
    if amount_fen > before:
        raise PosError("stored_value_insufficient", balance=format_fen(before), payable=format_fen(amount_fen),
                       balance_fen=before, payable_fen=amount_fen)
    if offline:
        cap = t.programme.stored_value.offline_cap_fen
        left = max(0, cap - offline_spent_today(t, member_id, now))
        if amount_fen > left:
            raise PosError("stored_value_offline_cap", cap=format_fen(cap), left=format_fen(left),
                           cap_fen=cap, left_fen=left)
    return before


@dataclass(frozen=True)
class TopUpResult:
    document: dict[str, Any]
    changed: frozenset[str] = field(default=frozenset({"stored_value"}))


def topup(t: Terminal, actor: Actor, query: str, paid_fen: int, pay_method: str = "cash",
          at: datetime | None = None) -> TopUpResult:
    """Take `paid_fen` at the till and credit it plus the programme's bonus (充500送50). A cashier
    may do it (it is money in, like a sale); it is audited. Refunding a top-up is not offered."""
    require(actor, "cashier")
    rules = t.programme.stored_value
    if not rules.enabled:
        raise PosError("stored_value_disabled")
    if pay_method not in TOPUP_PAY_METHODS:
        raise PosError("input_invalid", detail=f"pay method {pay_method!r}")
    if isinstance(paid_fen, bool) or not isinstance(paid_fen, int):
        raise PosError("amount_invalid", text=str(paid_fen))
    if paid_fen < rules.min_topup_fen:
        raise PosError("stored_value_topup_min", min=format_fen(rules.min_topup_fen), min_fen=rules.min_topup_fen)
    if paid_fen > rules.max_topup_fen:
        raise PosError("stored_value_topup_max", max=format_fen(rules.max_topup_fen), max_fen=rules.max_topup_fen)
    now = t.now(at)
    row = lookup.find_one(t, query, for_sale=True)
    member_id = row["member_id"]
    bonus = sv.topup_bonus(t.programme, paid_fen)
    credit = paid_fen + bonus
    with t.store.write():
        before = balance(t, member_id)
        if before + credit > rules.max_balance_fen:
            raise PosError("stored_value_balance_max", max=format_fen(rules.max_balance_fen),
                           balance=format_fen(before), credit=format_fen(credit),
                           max_fen=rules.max_balance_fen, balance_fen=before, credit_fen=credit)
        event_id = t.emit("stored_value_topup", now, actor, member_id, {
            "amount_fen": credit, "paid_fen": paid_fen, "bonus_fen": bonus, "pay_method": pay_method})
        audit.record(t, actor, "stored_value_topup", now, member_id=member_id, event_id=event_id,
                     paid_fen=paid_fen, bonus_fen=bonus, pay_method=pay_method)
    return TopUpResult({
        "event_id": event_id, "member_id": member_id, "phone_masked": lookup.mask(row["phone"]),
        "occurred_at": clocks.to_text(now), "paid_fen": paid_fen, "bonus_fen": bonus, "amount_fen": credit,
        "pay_method": pay_method, "balance_before_fen": before, "stored_value_fen": before + credit,
    })


def show(t: Terminal, query: str, at: datetime | None = None) -> dict[str, Any]:
    """Balance and history of one member, as the cashier and manager see it."""
    now = t.now(at)
    row = lookup.find_one(t, query, allow_erased=True)
    member_id = row["member_id"]
    _, confirmed_fen = confirmed(t, member_id)
    offline = t.is_offline(now)
    cap = t.programme.stored_value.offline_cap_fen
    return {
        "member_id": member_id,
        "phone_masked": lookup.mask(row["phone"]),
        "name": row["name"],
        "stored_value_fen": balance(t, member_id),
        "headoffice_fen": confirmed_fen,
        "offline": offline,
        "offline_left_fen": max(0, cap - offline_spent_today(t, member_id, now)) if offline else None,
        "history": history(t, member_id),
    }
