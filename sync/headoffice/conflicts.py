"""Conflict records: offline at two stores is normal, so these are facts to review, not errors.

Kinds: points_overdraft, stored_value_overdraft, phone_merged, coupon_reused, bonus_duplicated.
Each is recorded once per (kind, ref); detail says what each terminal did.
"""

from __future__ import annotations

import json
from typing import Any

from sync.headoffice.timekeys import text, utcnow

KINDS = ("points_overdraft", "stored_value_overdraft", "phone_merged", "coupon_reused", "bonus_duplicated")


INSERT = ("INSERT INTO conflicts(kind, ref, member_id, detail, created_at) VALUES (?, ?, ?, ?, ?)"
          " ON CONFLICT (kind, ref) DO NOTHING")


def row(kind: str, ref: str, member_id: str | None, detail: dict[str, Any]) -> tuple[Any, ...]:
    """The parameters of INSERT for one conflict (for writing many at once with tx.many)."""
    if kind not in KINDS:
        raise ValueError(kind)
    return (kind, ref, member_id, json.dumps(detail, ensure_ascii=False, sort_keys=True), text(utcnow()))


def record(tx: Any, kind: str, ref: str, member_id: str | None, detail: dict[str, Any]) -> bool:
    """Insert unless (kind, ref) is already recorded; True if new."""
    return bool(tx.execute(INSERT, row(kind, ref, member_id, detail)).rowcount)


def listing(tx: Any, kind: str | None = None, member_id: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, kind, ref, member_id, detail, created_at FROM conflicts"
    where, params = [], []
    if kind:
        where.append("kind = ?")
        params.append(kind)
    if member_id:
        where.append("member_id = ?")
        params.append(member_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = tx.all(sql + " ORDER BY id", params)
    return [{**r, "detail": json.loads(r["detail"])} for r in rows]


def event_ref(row: Any) -> dict[str, Any]:
    """What a terminal did, for a conflict's detail: who, which seq, when."""
    return {
        "event_id": row["event_id"],
        "terminal_id": row["terminal_id"],
        "seq": row["seq"],
        "occurred_at": row["occurred_at"],
    }
