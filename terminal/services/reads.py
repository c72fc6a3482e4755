"""Reads the services share: a member's points state and spend history, coupons, offline use."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

from terminal import clock as clocks, lots
from terminal.coupons import Coupon
from terminal.errors import PosError
from terminal.services.context import Terminal
from terminal.tiers import Spend

_POINT_KINDS = tuple(sorted(lots.POINT_KINDS))
_POINTS_SQL = (
    "SELECT event_id, kind, occurred_at, payload FROM events WHERE member_id = ? AND kind IN ("
    + ",".join("?" * len(_POINT_KINDS))
    + ") ORDER BY seq"
)


def points_state(t: Terminal, member_id: str) -> lots.PointsState:
    """Fold the member's point events (seq order) into lots and a balance."""
    events = []
    for event_id, kind, occurred_at, payload in t.store.conn.execute(_POINTS_SQL, (member_id, *_POINT_KINDS)):
        event = lots.from_ledger(event_id, kind, clocks.from_text(occurred_at), json.loads(payload))
        if event is not None:
            events.append(event)
    return lots.fold(events)


def spends(t: Terminal, member_id: str) -> list[Spend]:
    return [
        Spend(clocks.from_text(at), fen, bool(purchase))
        for at, fen, purchase in t.store.conn.execute(
            "SELECT occurred_at, qualifying_fen, is_purchase FROM spends WHERE member_id = ? ORDER BY occurred_at",
            (member_id,),
        )
    ]


def coupon_from_row(row: sqlite3.Row) -> Coupon:
    return Coupon(
        code=row["code"],
        template=row["template"],
        member_id=row["member_id"],
        valid_from=clocks.from_text(row["valid_from"]),
        valid_to=clocks.from_text(row["valid_to"]),
        used_sale_id=row["used_sale_id"],
    )


def coupon(t: Terminal, code: str) -> Coupon:
    row = t.store.one("SELECT * FROM coupons WHERE code = ?", (code.strip().upper(),))
    if row is None:
        raise PosError("coupon_not_found", code=code)
    return coupon_from_row(row)


def member_coupons(t: Terminal, member_id: str) -> list[Coupon]:
    rows = t.store.all("SELECT * FROM coupons WHERE member_id = ? ORDER BY issued_at, code", (member_id,))
    return [coupon_from_row(r) for r in rows]


def offline_redeemed_today(t: Terminal, member_id: str, now: datetime) -> int:
    """Points this terminal let the member redeem while offline, today (store time)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + timedelta(days=1)
    value = t.store.scalar(
        "SELECT COALESCE(SUM(points_redeemed), 0) FROM sales WHERE member_id = ? AND offline = 1"
        " AND occurred_at >= ? AND occurred_at < ?",
        (member_id, clocks.to_text(day_start), clocks.to_text(day_end)),
    )
    return int(value)


def bonus_awarded(t: Terminal, member_id: str, month: str) -> bool:
    return (
        t.store.scalar("SELECT 1 FROM bonus_months WHERE member_id = ? AND month = ?", (member_id, month))
        is not None
    )
