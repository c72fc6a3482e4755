"""A member's ledger at head office: the stored point (and stored value) events of the member and
all its aliases, in the one deterministic order (occurred_at, terminal_id, seq), folded with the
terminal's own terminal.lots. Quarantined events never count."""

from __future__ import annotations

import json
from typing import Any, Sequence

from sync.headoffice.members import marks
from sync.headoffice.timekeys import parse
from terminal import lots

POINT_KINDS = tuple(sorted(lots.POINT_KINDS))
SV_KINDS = ("stored_value_topup", "stored_value_spent")


def rows(tx: Any, ids: Sequence[str], kinds: Sequence[str]) -> list[dict[str, Any]]:
    return tx.all(
        "SELECT event_id, terminal_id, seq, kind, occurred_at, payload FROM events"
        f" WHERE member_id IN {marks(ids)} AND status = 'stored' AND kind IN {marks(kinds)}"
        " ORDER BY occurred_key, terminal_id, seq",
        (*ids, *kinds),
    )


def points_events(event_rows: Sequence[dict[str, Any]]) -> list[lots.PointsEvent]:
    out = []
    for r in event_rows:
        event = lots.from_ledger(r["event_id"], r["kind"], parse(r["occurred_at"]), json.loads(r["payload"]))
        if event is not None:
            out.append(event)
    return out


def points_state(tx: Any, ids: Sequence[str]) -> lots.PointsState:
    return lots.fold(points_events(rows(tx, ids, POINT_KINDS)))


def stored_value_fen(tx: Any, ids: Sequence[str]) -> int:
    total = 0
    for r in rows(tx, ids, SV_KINDS):
        amount = int(json.loads(r["payload"])["amount_fen"])
        total += amount if r["kind"] == "stored_value_topup" else -amount
    return total
