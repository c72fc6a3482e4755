"""After a batch's events are stored: profiles (last writer wins, merges), overdraft conflicts,
tiers, and the feed rows, for the members the batch touched. Same transaction as the events."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sync.headoffice import conflicts, feed, ledger, members, rulesdb, tiering
from sync.headoffice.batch import Batch
from sync.headoffice.timekeys import parse
from terminal import lots

OVERDRAFT_WINDOW = timedelta(hours=24)  # the redemptions shown beside an overdraft


def _canon(tx: Any, ids: set[str]) -> set[str]:
    return {c for c in (members.resolve(tx, i) for i in ids) if c is not None}


def settle(tx: Any, batch: Batch) -> set[str]:
    """Returns the canonical ids whose snapshot changed (each got a feed row)."""
    for member_id in sorted(_canon(tx, batch.profile)):
        members.recompute_profile(tx, member_id, batch)
    for member_id in sorted(_canon(tx, batch.redeemed)):
        points_overdraft(tx, member_id)
    for member_id in sorted(_canon(tx, batch.sv_spent)):
        stored_value_overdraft(tx, member_id)
    programme = rulesdb.programme(tx)
    regrouped = _canon(tx, batch.regrouped)
    new_keys: dict[str, str] = {}
    for member_id, k in batch.spend_keys.items():
        c = members.resolve(tx, member_id)
        if c is not None:
            new_keys[c] = min(k, new_keys.get(c, k))
    touched = _canon(tx, batch.touched) | regrouped | set(new_keys)
    unevaluated: set[str] = set()
    if touched:
        ids = sorted(touched)
        unevaluated = {r["member_id"] for r in tx.all(
            f"SELECT member_id FROM members WHERE member_id IN {members.marks(ids)} AND tier_key IS NULL", ids)}
    for member_id in sorted(set(new_keys) | regrouped | unevaluated):
        tiering.evaluate(tx, member_id, programme, batch.now, new_keys.get(member_id), member_id in regrouped)
    feed.append_many(tx, "member", touched)
    return touched


def _redemptions_near(redemptions: list[dict[str, Any]], at: Any, unit: str) -> dict[str, Any]:
    """Per terminal, the redemptions in the 24 hours up to `at`: what each till did."""
    by_terminal: dict[str, Any] = {}
    for r in redemptions:
        if at - OVERDRAFT_WINDOW <= r["at"] <= at:
            entry = by_terminal.setdefault(r["terminal_id"], {unit: 0, "events": []})
            entry[unit] += r[unit]
            entry["events"].append({k: r[k] for k in ("event_id", "seq", "occurred_at", unit)})
    return by_terminal


def points_overdraft(tx: Any, canonical: str) -> None:
    """Every redemption that took more than the balance at its time (in head office's order) is a
    'points_overdraft': both tills' redemptions stand, the balance goes negative."""
    ids = members.group(tx, canonical)
    state = lots.PointsState()
    seen: list[dict[str, Any]] = []
    over: list[tuple[dict[str, Any], int]] = []
    for row in ledger.rows(tx, ids, ledger.POINT_KINDS):
        event = ledger.points_events([row])
        if not event:
            continue
        if row["kind"] == "points_redeemed":
            taken = -event[0].delta
            before = state.balance(event[0].occurred_at)
            seen.append({**conflicts.event_ref(row), "points": taken, "at": event[0].occurred_at})
            if taken > before:
                over.append((seen[-1], before))
        state = lots.apply(state, event[0])
    for r, before in over:
        conflicts.record(tx, "points_overdraft", r["event_id"], canonical, {
            "redemption": {k: r[k] for k in ("event_id", "terminal_id", "seq", "occurred_at", "points")},
            "balance_before": before,
            "balance_after": before - r["points"],
            "by_terminal": _redemptions_near(seen, r["at"], "points"),
        })


def stored_value_overdraft(tx: Any, canonical: str) -> None:
    ids = members.group(tx, canonical)
    balance = 0
    seen: list[dict[str, Any]] = []
    for row in ledger.rows(tx, ids, ledger.SV_KINDS):
        amount = int(json.loads(row["payload"])["amount_fen"])
        if row["kind"] == "stored_value_topup":
            balance += amount
            continue
        at = parse(row["occurred_at"])
        seen.append({**conflicts.event_ref(row), "amount_fen": amount, "at": at})
        if amount > balance:
            conflicts.record(tx, "stored_value_overdraft", row["event_id"], canonical, {
                "spend": {**conflicts.event_ref(row), "amount_fen": amount},
                "balance_before_fen": balance,
                "balance_after_fen": balance - amount,
                "by_terminal": _redemptions_near(seen, at, "amount_fen"),
            })
        balance -= amount
