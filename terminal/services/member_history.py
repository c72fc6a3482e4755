"""A member's history as the manager's member page shows it: sales with their refunds, every points
event with its reason and staff, points lots, tier changes, paid membership and stored value.

Read from this terminal's tables: `sales` and `refunds` (the sales rung up here), and the `events`
ledger (this terminal's own events for the member and every id merged into it). Points lots are the
fold of reads.points_state (head office's confirmed lots plus this terminal's newer events), so
the lots and balance match what the checkout uses. Newest first; each list holds at most
MAX_ROWS entries (`truncated` names the lists that hold more).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from terminal import clock as clocks, lots, stored_value as sv
from terminal.services import lookup, reads
from terminal.services.context import Actor, Terminal, require

MAX_ROWS = 1000
TIER_KINDS = ("tier_changed", "membership_purchased")
PROFILE_KINDS = ("member_registered", "member_updated", "member_consent", "member_blacklisted",
                 "member_unblacklisted", "member_erased", "card_issued", "card_revoked")
_POINT_KINDS = tuple(sorted(lots.POINT_KINDS))
_SV_KINDS = tuple(sorted(sv.KINDS))


def _in(values: Sequence[Any]) -> str:
    return "(" + ",".join("?" * len(values)) + ")"


def history(t: Terminal, actor: Actor, member_id: str, at: datetime | None = None) -> dict[str, Any]:
    """Everything the member page lists for one member (a manager's read). `member_id` may be any
    query lookup accepts; an erased member's history is shown (it holds no personal data)."""
    require(actor, "manager")
    return read(t, member_id, at)


def read(t: Terminal, query: str, at: datetime | None = None) -> dict[str, Any]:
    """history() without the role check, for services that checked it themselves (export)."""
    now = t.now(at)
    row = lookup.find_one(t, query, allow_erased=True)
    member_id = row["member_id"]
    ids = reads.member_ids(t, member_id)
    staff = {r[0]: r[1] for r in t.store.conn.execute("SELECT staff_id, name FROM staff")}
    sales, receipts, sales_more = _sales(t, ids, staff)
    truncated = ["sales"] if sales_more else []
    events = _events(t, ids, (*_POINT_KINDS, *TIER_KINDS, *_SV_KINDS, *PROFILE_KINDS))
    points, tiers, stored, profile = [], [], [], []
    for seq, event_id, kind, occurred_at, payload_text, staff_id in events:
        body = json.loads(payload_text)
        common = {"seq": seq, "event_id": event_id, "kind": kind, "occurred_at": occurred_at,
                  "staff_id": staff_id, "staff_name": staff.get(staff_id) if staff_id else None}
        sale_id = body.get("sale_id")
        if sale_id:
            common["sale_id"] = sale_id
            common["receipt_no"] = receipts.get(sale_id) or body.get("receipt_no")
        if kind in lots.POINT_KINDS:
            points.append(_points_entry(common, kind, occurred_at, body))
        elif kind in TIER_KINDS:
            tiers.append({**common, "from": body.get("from"), "to": body.get("to") or body.get("tier"),
                          "reason": body.get("reason"), "starts_at": body.get("starts_at"),
                          "ends_at": body.get("ends_at"), "fee_fen": body.get("fee_fen")})
        elif kind in sv.KINDS:
            amount = int(body.get("amount_fen", 0))
            stored.append({**common, "amount_fen": -amount if kind in sv.DEBIT_KINDS else amount,
                            "paid_fen": body.get("paid_fen"), "bonus_fen": body.get("bonus_fen"),
                            "pay_method": body.get("pay_method"), "refund_id": body.get("refund_id")})
        else:
            profile.append({**common, "fields": sorted(k for k in body if k in ("phone", "name", "birthday")),
                            "reason": body.get("reason"),
                            "marketing_consent": body.get("marketing_consent"),
                            "card_id": body.get("card_id")})
    for name, entries in (("points", points), ("tiers", tiers), ("stored_value", stored), ("profile", profile)):
        if len(entries) > MAX_ROWS:
            truncated.append(name)
            del entries[MAX_ROWS:]
    state = reads.points_state(t, member_id)
    return {
        "member_id": member_id,
        "as_of": clocks.to_text(now),
        "phone": row["phone"],
        "status": row["status"],
        "sales": sales,
        "points": points,
        "lots": [_lot(lot, now) for lot in sorted(state.lots, key=lambda x: (x.expires_at, x.earned_at, x.lot_id))],
        "points_balance": state.balance(now),
        "points_deficit": state.deficit,
        "tiers": tiers,
        "stored_value": stored,
        "profile_events": profile,
        "truncated": truncated,
    }


def _events(t: Terminal, ids: tuple[str, ...], kinds: Sequence[str]) -> list[tuple[Any, ...]]:
    return t.store.conn.execute(
        f"SELECT seq, event_id, kind, occurred_at, payload, staff_id FROM events WHERE member_id IN {_in(ids)}"
        f" AND kind IN {_in(kinds)} ORDER BY seq DESC", (*ids, *kinds)).fetchall()


def _points_entry(common: dict[str, Any], kind: str, occurred_at: str, body: dict[str, Any]) -> dict[str, Any]:
    event = lots.from_ledger(common["event_id"], kind, clocks.from_text(occurred_at), body)
    return {**common, "delta": event.delta if event is not None else 0, "reason": body.get("reason"),
            "expires_at": body.get("expires_at"), "lot_id": body.get("lot_id"),
            "refund_id": body.get("refund_id"), "month": body.get("month")}


def _lot(lot: lots.Lot, now: datetime) -> dict[str, Any]:
    return {"lot_id": lot.lot_id, "earned_at": clocks.to_text(lot.earned_at),
            "expires_at": clocks.to_text(lot.expires_at), "expires_on": lot.expires_on.isoformat(),
            "points": lot.points, "remaining": lot.remaining,
            "live": lot.remaining > 0 and lot.expires_at > now}


def _sales(t: Terminal, ids: tuple[str, ...],
           staff: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str], bool]:
    """(sales newest first with their lines and refunds, sale id -> receipt no, more than MAX_ROWS)."""
    cur = t.store.conn.execute(
        f"SELECT * FROM sales WHERE member_id IN {_in(ids)} ORDER BY occurred_at DESC, receipt_no DESC LIMIT ?",
        (*ids, MAX_ROWS + 1))
    cur.row_factory = sqlite3.Row
    rows = cur.fetchall()
    more = len(rows) > MAX_ROWS
    rows = rows[:MAX_ROWS]
    sale_ids = [r["sale_id"] for r in rows]
    refunds: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[dict[str, Any]]] = {}
    for chunk in (sale_ids[i:i + 500] for i in range(0, len(sale_ids), 500)):
        cur = t.store.conn.execute(
            f"SELECT * FROM refunds WHERE sale_id IN {_in(chunk)} ORDER BY occurred_at", chunk)
        cur.row_factory = sqlite3.Row
        for r in cur:
            d = dict(r)
            d["lines"] = json.loads(d["lines"])
            d["staff_name"] = staff.get(d["staff_id"]) if d["staff_id"] else None
            refunds.setdefault(r["sale_id"], []).append(d)
        cur = t.store.conn.execute(
            f"SELECT * FROM sale_lines WHERE sale_id IN {_in(chunk)} ORDER BY sale_id, line_no", chunk)
        cur.row_factory = sqlite3.Row
        for r in cur:
            lines.setdefault(r["sale_id"], []).append({k: r[k] for k in r.keys() if k != "sale_id"})
    out = []
    for r in rows:
        d = dict(r)
        d["staff_name"] = staff.get(d["staff_id"]) if d["staff_id"] else None
        d["offline"] = bool(d.get("offline"))
        d["lines"] = lines.get(r["sale_id"], [])
        d["refunds"] = refunds.get(r["sale_id"], [])
        d["refunded_fen"] = sum(x["refund_fen"] for x in d["refunds"])
        out.append(d)
    return out, {r["sale_id"]: r["receipt_no"] for r in rows}, more
