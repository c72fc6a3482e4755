"""Reads the services share: a member's points state and spend history, coupons, offline use.

What the terminal shows of a member = head office's confirmed snapshot (if it pulled one) + this
terminal's OWN events with seq > the snapshot's includes_seq, for the member and every id merged
into it. Own events through includes_seq are already inside the snapshot and are never counted twice.
Without a snapshot, includes_seq is 0 and everything comes from the local ledger, as before sync.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from terminal import clock as clocks, lots
from terminal.coupons import Coupon
from terminal.errors import PosError
from terminal.services.context import Terminal
from terminal.tiers import Spend

_POINT_KINDS = tuple(sorted(lots.POINT_KINDS))


def member_ids(t: Terminal, member_id: str) -> tuple[str, ...]:
    """The member and every id head office merged into it (aliases)."""
    aliases = t.store.conn.execute("SELECT member_id FROM members WHERE merged_into = ? ORDER BY member_id",
                                   (member_id,)).fetchall()
    return (member_id, *(r[0] for r in aliases))


def _in(ids: tuple[str, ...]) -> str:
    return "(" + ",".join("?" * len(ids)) + ")"


def snapshot(t: Terminal, member_id: str) -> tuple[int, lots.PointsState | None]:
    """(includes_seq, head office's confirmed points state) or (0, None) if none was pulled."""
    row = t.store.conn.execute(
        "SELECT includes_seq, points FROM member_snapshots WHERE member_id = ?", (member_id,)).fetchone()
    if row is None:
        return 0, None
    return int(row[0]), points_from_snapshot(json.loads(row[1]))


def points_from_snapshot(points: dict[str, Any]) -> lots.PointsState:
    """The protocol's PointsSnapshot (plain JSON) -> the fold's state."""
    return lots.PointsState(
        lots=tuple(
            lots.Lot(lot["lot_id"], clocks.from_text(lot["earned_at"]), clocks.from_text(lot["expires_at"]),
                     int(lot["points"]), int(lot["remaining"]))
            for lot in points.get("lots", ())
        ),
        deficit=int(points.get("deficit", 0)),
        flagged=bool(points.get("flagged", False)),
        consumed={k: tuple((str(lot), int(n)) for lot, n in v)
                  for k, v in (points.get("consumed") or {}).items()},
    )


def points_state(t: Terminal, member_id: str) -> lots.PointsState:
    """Head office's confirmed state, then this terminal's newer point events folded on (seq order)."""
    ids = member_ids(t, member_id)
    includes_seq, base = snapshot(t, member_id)
    sql = (f"SELECT event_id, kind, occurred_at, payload FROM events WHERE member_id IN {_in(ids)}"
           f" AND seq > ? AND kind IN {_in(_POINT_KINDS)} ORDER BY seq")
    rows = tuple(map(tuple, t.store.conn.execute(sql, (*ids, includes_seq, *_POINT_KINDS))))
    if base is None:
        return _fold_rows(rows)
    return lots.fold(_point_events(rows), base)


# Parsing and folding a member's point history is the costliest read of a quote or sale, and the
# till repeats it for the same member (the live quote on every scan, then the sale). Both are pure
# functions of the ledger rows' text, so they are memoised on exactly that text: a new or changed
# row is a different key, never a stale answer. The shared PointsState is never modified in place
# (lots builds new states).
PointRow = tuple[str, str, str, str]  # event_id, kind, occurred_at, payload


@functools.lru_cache(maxsize=16384)
def _point_event(event_id: str, kind: str, occurred_at: str, payload: str) -> lots.PointsEvent | None:
    return lots.from_ledger(event_id, kind, clocks.from_text(occurred_at), json.loads(payload))


def _point_events(rows: tuple[PointRow, ...]) -> list[lots.PointsEvent]:
    return [event for event in (_point_event(*row) for row in rows) if event is not None]


@functools.lru_cache(maxsize=64)  # the members at the till now; keys hold whole histories
def _fold_rows(rows: tuple[PointRow, ...]) -> lots.PointsState:
    return lots.fold(_point_events(rows))


def spends(t: Terminal, member_id: str) -> list[Spend]:
    """Head office's spend records plus this terminal's own rows newer than the snapshot (own rows
    through includes_seq are inside head office's records)."""
    ids = member_ids(t, member_id)
    includes_seq = snapshot_seq(t, member_id)
    return [
        Spend(clocks.from_text(at), fen, bool(purchase))
        for at, fen, purchase in t.store.conn.execute(
            f"SELECT occurred_at, qualifying_fen, is_purchase FROM spends WHERE member_id IN {_in(ids)}"
            " AND (origin = 'headoffice' OR seq IS NULL OR seq > ?) ORDER BY occurred_at",
            (*ids, includes_seq),
        )
    ]


def snapshot_seq(t: Terminal, member_id: str) -> int:
    value = t.store.scalar("SELECT includes_seq FROM member_snapshots WHERE member_id = ?", (member_id,))
    return int(value or 0)


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
    ids = member_ids(t, member_id)
    rows = t.store.all(f"SELECT * FROM coupons WHERE member_id IN {_in(ids)} ORDER BY issued_at, code", ids)
    return [coupon_from_row(r) for r in rows]


def offline_redeemed_today(t: Terminal, member_id: str, now: datetime) -> int:
    """Points this terminal let the member redeem while offline, today (store time)."""
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    day_end = day_start + timedelta(days=1)
    ids = member_ids(t, member_id)
    value = t.store.scalar(
        f"SELECT COALESCE(SUM(points_redeemed), 0) FROM sales WHERE member_id IN {_in(ids)} AND offline = 1"
        " AND occurred_at >= ? AND occurred_at < ?",
        (*ids, clocks.to_text(day_start), clocks.to_text(day_end)),
    )
    return int(value)


def bonus_awarded(t: Terminal, member_id: str, month: str) -> bool:
    ids = member_ids(t, member_id)
    return t.store.scalar(f"SELECT 1 FROM bonus_months WHERE member_id IN {_in(ids)} AND month = ?",
                          (*ids, month)) is not None
