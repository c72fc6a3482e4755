"""Refunds, whole or by line: money back for what was paid, earned points reversed and redeemed
points restored exactly. Partial refunds of one line add up to the whole line, to the fen and point.
The balance may go negative (points already spent); the result says so. What a sale paid by stored
value goes back to the member's stored value (stored_value_refunded), in the same exact shares."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Sequence

from terminal import clock as clocks, lots
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.pricing import allocate
from terminal.services import audit, reads, stored_value, writes
from terminal.services.context import Actor, Terminal, require


@dataclass(frozen=True)
class RefundResult:
    document: dict[str, Any]
    changed: frozenset[str] = field(default=frozenset({"sales", "points", "stored_value"}))


def _share(total: int, done_qty: int, take_qty: int, qty: int) -> int:
    """The part of `total` for units done..done+take out of qty; parts over all units sum to total."""
    return total * (done_qty + take_qty) // qty - total * done_qty // qty


def find_sale(t: Terminal, ref: str) -> Any:
    row = t.store.one("SELECT * FROM sales WHERE sale_id = ? OR receipt_no = ?", (ref.strip(), ref.strip().upper()))
    if row is None:
        raise PosError("sale_not_found", sale=ref)
    return row


def _restore(t: Terminal, actor: Actor, member_id: str, payload: dict[str, Any], now: datetime) -> int:
    """points_restored: the points go back into the lots the redemption took, keeping their expiry.
    Those that came back into a lot already expired expire at once (points_expired, now: after the
    restore in every order of the ledger), else nothing would ever expire them (maintain had closed
    the lot); the lots still live are in lot_index for maintain (a new lot included). Returns the
    points that expired so."""
    before = reads.points_state(t, member_id)
    event_id = t.emit("points_restored", now, actor, member_id, payload)
    restore = lots.from_ledger(event_id, "points_restored", now, payload)
    after = before if restore is None else lots.apply(before, restore)
    had = {lot.lot_id: lot.remaining for lot in before.lots}
    live, expired = [], 0
    for lot in after.lots:
        gained = lot.remaining - had.get(lot.lot_id, 0)
        if gained <= 0:
            continue
        if lot.expires_at <= now:
            t.emit("points_expired", now, actor, member_id, {"lot_id": lot.lot_id, "points": gained})
            expired += gained
        else:
            live.append(lot)
    writes.index_lots(t, member_id, live)
    return expired


def refund(
    t: Terminal,
    actor: Actor,
    sale_ref: str,
    lines: Sequence[tuple[int, int | None]] = (),
    at: datetime | None = None,
) -> RefundResult:
    """Refund (line_no, qty or None for all that is left) pairs; no pairs refunds everything left."""
    require(actor, "manager")
    now = t.now(at)
    with t.store.write() as conn:
        sale = find_sale(t, sale_ref)
        sale_lines = {r["line_no"]: r for r in t.store.all(
            "SELECT * FROM sale_lines WHERE sale_id = ? ORDER BY line_no", (sale["sale_id"],))}
        wanted = _wanted(sale_lines, lines)
        redeemed_parts = allocate(sale["points_redeemed"], [r["points_value_fen"] for r in sale_lines.values()])
        redeemed_by_line = dict(zip(sale_lines, redeemed_parts))
        stored_parts = allocate(sale["stored_value_fen"], [r["paid_fen"] for r in sale_lines.values()])
        stored_by_line = dict(zip(sale_lines, stored_parts))
        out_lines, refund_fen, value_fen, reversed_pts, restored_pts, stored_fen = [], 0, 0, 0, 0, 0
        for line_no, take in wanted:
            r = sale_lines[line_no]
            done, qty = r["refunded_qty"], r["qty"]
            part = {
                "line_no": line_no, "qty": take,
                "refund_fen": _share(r["paid_fen"], done, take, qty),
                "points_value_fen": _share(r["points_value_fen"], done, take, qty),
                "points_reversed": _share(r["points"], done, take, qty),
                "points_restored": _share(redeemed_by_line[line_no], done, take, qty),
            }
            out_lines.append(part)
            refund_fen += part["refund_fen"]
            value_fen += part["points_value_fen"]
            reversed_pts += part["points_reversed"]
            restored_pts += part["points_restored"]
            stored_fen += _share(stored_by_line[line_no], done, take, qty)
            conn.execute("UPDATE sale_lines SET refunded_qty = refunded_qty + ? WHERE sale_id = ? AND line_no = ?",
                         (take, sale["sale_id"], line_no))
        refund_id = new_id()
        member_id = _canonical(t, sale["member_id"])
        conn.execute(
            "INSERT INTO refunds(refund_id, sale_id, occurred_at, staff_id, refund_fen, points_value_fen,"
            " points_reversed, points_restored, lines, stored_value_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (refund_id, sale["sale_id"], clocks.to_text(now), actor.staff_id, refund_fen, value_fen,
             reversed_pts, restored_pts, json.dumps(out_lines), stored_fen),
        )
        refund_event = t.emit("refund", now, actor, member_id, {
            "refund_id": refund_id, "sale_id": sale["sale_id"], "receipt_no": sale["receipt_no"],
            "refund_fen": refund_fen, "points_value_fen": value_fen, "lines": out_lines})
        balance = stored_balance = None
        restored_expired = 0
        if member_id is not None:
            if stored_fen:
                t.emit("stored_value_refunded", now, actor, member_id, {
                    "amount_fen": stored_fen, "sale_id": sale["sale_id"], "refund_id": refund_id})
            if reversed_pts:
                t.emit("points_reversed", now, actor, member_id, {
                    "sale_id": sale["sale_id"], "refund_id": refund_id, "lot_id": sale["earn_event_id"],
                    "points": reversed_pts})
            if restored_pts:
                restored_expired = _restore(t, actor, member_id, {
                    "sale_id": sale["sale_id"], "refund_id": refund_id, "redemption_id": sale["redeem_event_id"],
                    "points": restored_pts}, now)
            conn.execute("INSERT INTO spends(member_id, occurred_at, qualifying_fen, is_purchase, ref_id, seq)"
                         " VALUES (?, ?, ?, 0, ?, (SELECT seq FROM events WHERE event_id = ?))",
                         (member_id, clocks.to_text(now), -refund_fen, refund_id, refund_event))
            balance = reads.points_state(t, member_id).balance(now)
            stored_balance = stored_value.balance(t, member_id)
        audit.record(t, actor, "refund", now, sale_id=sale["sale_id"], refund_id=refund_id, refund_fen=refund_fen)
    return RefundResult({
        "refund_id": refund_id, "sale_id": sale["sale_id"], "receipt_no": sale["receipt_no"],
        "occurred_at": clocks.to_text(now), "member_id": member_id, "lines": out_lines,
        "refund_fen": refund_fen, "points_value_fen": value_fen,
        "points_reversed": reversed_pts, "points_restored": restored_pts,
        "points_restored_expired": restored_expired,  # of points_restored: back in expired lots, expired at once
        "points_balance": balance, "balance_negative": balance is not None and balance < 0,
        "stored_value_refunded_fen": stored_fen, "stored_value_balance_fen": stored_balance,
    })


def _canonical(t: Terminal, member_id: str | None) -> str | None:
    """The member a sale's member is now (head office may have merged it into another since)."""
    if member_id is None:
        return None
    merged = t.store.scalar("SELECT merged_into FROM members WHERE member_id = ?", (member_id,))
    return merged or member_id


def _wanted(sale_lines: dict[int, Any], lines: Sequence[tuple[int, int | None]]) -> list[tuple[int, int]]:
    if not lines:
        wanted = [(n, r["qty"] - r["refunded_qty"]) for n, r in sale_lines.items() if r["qty"] > r["refunded_qty"]]
        if not wanted:
            raise PosError("refund_nothing")
        return wanted
    merged: dict[int, int] = {}
    for line_no, qty in lines:
        if line_no not in sale_lines:
            raise PosError("refund_line_invalid", text=str(line_no))
        r = sale_lines[line_no]
        remaining = r["qty"] - r["refunded_qty"] - merged.get(line_no, 0)
        take = remaining if qty is None else qty
        if take <= 0 and qty is not None:
            raise PosError("refund_line_invalid", text=f"{line_no}:{qty}")
        if take > remaining or remaining <= 0:
            raise PosError("refund_qty_exceeds", line=line_no, remaining=max(remaining, 0))
        merged[line_no] = merged.get(line_no, 0) + take
    return sorted(merged.items())
