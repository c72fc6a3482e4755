"""Writes several services share, always inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from terminal import clock as clocks, coupons
from terminal.lots import Lot
from terminal.services.context import Actor, Terminal


def add_lot(t: Terminal, lot_id: str, member_id: str, expires_at: datetime) -> None:
    t.store.conn.execute(
        "INSERT INTO lot_index(lot_id, member_id, expires_at) VALUES (?, ?, ?)",
        (lot_id, member_id, clocks.to_text(expires_at)),
    )


def index_lots(t: Terminal, member_id: str, lots: Iterable[Lot]) -> None:
    """Lots in lot_index (added, or opened again), so maintain expires them when due: for a lot a
    refund's restored points made, or came back into."""
    t.store.conn.executemany(
        "INSERT INTO lot_index(lot_id, member_id, expires_at) VALUES (?, ?, ?)"
        " ON CONFLICT(lot_id) DO UPDATE SET open = 1",
        [(lot.lot_id, member_id, clocks.to_text(lot.expires_at)) for lot in lots],
    )


def issue_coupon(
    t: Terminal,
    actor: Actor | None,
    member_id: str,
    template_id: str,
    now: datetime,
    birthday: date | None = None,
    issue_key: str | None = None,
) -> dict[str, str] | None:
    """Issue one coupon; with an issue_key, at most once per key (None if it was issued before)."""
    conn = t.store.conn
    if issue_key and conn.execute("SELECT 1 FROM coupons WHERE issue_key = ?", (issue_key,)).fetchone():
        return None
    template = t.programme.coupon_template(template_id)
    valid_from, valid_to = coupons.validity(template, now, birthday)
    code = coupons.new_code()
    while conn.execute("SELECT 1 FROM coupons WHERE code = ?", (code,)).fetchone():
        code = coupons.new_code()
    record = {
        "code": code,
        "template": template_id,
        "valid_from": clocks.to_text(valid_from),
        "valid_to": clocks.to_text(valid_to),
    }
    conn.execute(
        "INSERT INTO coupons(code, member_id, template, issued_at, valid_from, valid_to, issue_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (code, member_id, template_id, clocks.to_text(now), record["valid_from"], record["valid_to"], issue_key),
    )
    t.emit("coupon_issued", now, actor, member_id, {**record, "issue_key": issue_key})
    return record
