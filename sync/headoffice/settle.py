"""After a projector chunk's events are applied: profiles (last writer wins, merges), overdraft
conflicts, tiers, and the feed rows, for the members the chunk touched. Same transaction.

Set-wise: each step reads what it needs for all the batch's members at once (canonical ids, groups,
ledgers, spends) and writes in bulk; the per-member logic is the same as one member at a time, in
the same (sorted) member order, so conflicts are recorded in the same order. Every read goes by
index on PostgreSQL: the chunk's transaction plans for lookups (db.Tx.plan_for_lookups).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Iterable

from sync.headoffice import conflicts, feed, ledger, members, rulesdb, tiering
from sync.headoffice.batch import Batch
from sync.headoffice.canonical import stored
from sync.headoffice.timekeys import parse

OVERDRAFT_WINDOW = timedelta(hours=24)  # the redemptions shown beside an overdraft


def _canon(tx: Any, ids: Iterable[str]) -> set[str]:
    return {c for c in members.resolve_many(tx, ids).values() if c is not None}


def settle(tx: Any, batch: Batch) -> set[str]:
    """Returns the canonical ids whose snapshot changed (each got a feed row)."""
    for member_id in sorted(_canon(tx, batch.profile)):
        members.recompute_profile(tx, member_id, batch)
    points_overdrafts(tx, sorted(_canon(tx, batch.redeemed)), batch.upto)
    stored_value_overdrafts(tx, sorted(_canon(tx, batch.sv_spent)), batch.upto)
    programme = rulesdb.programme(tx)
    resolved = members.resolve_many(tx, batch.regrouped | batch.touched | set(batch.spend_keys))
    regrouped = {c for c in (resolved[i] for i in batch.regrouped) if c is not None}
    new_keys: dict[str, str] = {}
    for member_id, k in batch.spend_keys.items():
        c = resolved[member_id]
        if c is not None:
            new_keys[c] = min(k, new_keys.get(c, k))
    touched = {c for c in (resolved[i] for i in batch.touched) if c is not None} | regrouped | set(new_keys)
    unevaluated = {r["member_id"] for r in tx.all_in(
        "SELECT member_id FROM members WHERE member_id IN {in} AND tier_key IS NULL", sorted(touched))}
    tiering.evaluate_many(tx, sorted(set(new_keys) | regrouped | unevaluated), programme, batch.now, new_keys,
                          regrouped)
    feed.append_many(tx, "member", touched)
    return touched


def _ledgers(tx: Any, canonicals: list[str], kinds: tuple[str, ...], upto: int) -> dict[str, list[dict[str, Any]]]:
    """ledger.rows() of each member's group, for many members in one query."""
    return ledger.rows_of(tx, members.groups(tx, canonicals), kinds, upto)


def _redemptions_near(redemptions: list[dict[str, Any]], at: Any, unit: str) -> dict[str, Any]:
    """Per terminal, the redemptions in the 24 hours up to `at`: what each till did."""
    by_terminal: dict[str, Any] = {}
    for r in redemptions:
        if at - OVERDRAFT_WINDOW <= r["at"] <= at:
            entry = by_terminal.setdefault(r["terminal_id"], {unit: 0, "events": []})
            entry[unit] += r[unit]
            entry["events"].append({k: r[k] for k in ("event_id", "seq", "occurred_at", unit)})
    return by_terminal


def points_overdrafts(tx: Any, canonicals: list[str], upto: int) -> None:
    if not canonicals:
        return
    found: list[tuple[Any, ...]] = []
    ledgers = ledger.tuples_of(tx, members.groups(tx, canonicals), ledger.POINT_KINDS, upto)
    for canonical, rows in ledgers.items():
        found.extend(_points_overdraft(canonical, rows))
    tx.many(conflicts.INSERT, found)


def _points_overdraft(canonical: str, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Every redemption that took more than the balance at its time (in head office's order) is a
    'points_overdraft': both tills' redemptions stand, the balance goes negative. (Recorded once per
    redemption: those found at an earlier batch are found again and their rows do nothing.)
    rows: ledger.tuples_of()'s."""
    walked = ledger.walk_tuples(canonical, rows)
    return [conflicts.row("points_overdraft", r["event_id"], canonical, {
        "redemption": {k: r[k] for k in ("event_id", "terminal_id", "seq", "occurred_at", "points")},
        "balance_before": before,
        "balance_after": before - r["points"],
        "by_terminal": _redemptions_near(list(walked.seen), r["at"], "points"),
    }) for r, before in walked.over]


def stored_value_overdrafts(tx: Any, canonicals: list[str], upto: int) -> None:
    if not canonicals:
        return
    found: list[tuple[Any, ...]] = []
    for canonical, rows in _ledgers(tx, canonicals, ledger.SV_KINDS, upto).items():
        found.extend(_stored_value_overdraft(canonical, rows))
    tx.many(conflicts.INSERT, found)


def _stored_value_overdraft(canonical: str, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    balance = 0
    seen: list[dict[str, Any]] = []
    out: list[tuple[Any, ...]] = []
    for row in rows:
        amount = int(stored(row["payload"])["amount_fen"])
        if row["kind"] in ledger.SV_CREDITS:  # a top-up, or a refund of a sale paid by stored value
            balance += amount
            continue
        at = parse(row["occurred_at"])
        seen.append({**conflicts.event_ref(row), "amount_fen": amount, "at": at})
        if amount > balance:
            out.append(conflicts.row("stored_value_overdraft", row["event_id"], canonical, {
                "spend": {**conflicts.event_ref(row), "amount_fen": amount},
                "balance_before_fen": balance,
                "balance_after_fen": balance - amount,
                "by_terminal": _redemptions_near(seen, at, "amount_fen"),
            }))
        balance -= amount
    return out
