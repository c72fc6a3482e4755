"""A member's ledger at head office: the stored point (and stored value) events of the member and
all its aliases, in the one deterministic order (occurred_at, terminal_id, seq), folded with the
terminal's own terminal.lots. Quarantined events never count, nor events the projector has not
applied yet (id > upto, see projector.py)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, Sequence


from sync.headoffice.canonical import stored
from sync.headoffice.members import UPTO, marks
from sync.headoffice.timekeys import parse
from terminal import lots

POINT_KINDS = tuple(sorted(lots.POINT_KINDS))
SV_CREDITS = ("stored_value_topup", "stored_value_refunded")  # amount_fen added; stored_value_spent takes it
SV_KINDS = (*SV_CREDITS, "stored_value_spent")


def rows(tx: Any, ids: Sequence[str], kinds: Sequence[str], upto: int) -> list[dict[str, Any]]:
    return tx.all(
        "SELECT event_id, terminal_id, seq, kind, occurred_at, payload FROM events"
        f" WHERE member_id IN {marks(ids)} AND event_id NOT IN (SELECT event_id FROM quarantined) AND kind IN {marks(kinds)} AND {UPTO}"
        " ORDER BY occurred_key, terminal_id, seq",
        (*ids, *kinds, upto),
    )


def rows_in(tx: Any, ids: Sequence[str], kinds: Sequence[str], upto: int) -> list[dict[str, Any]]:
    """rows() of many member ids at once, with member_id and occurred_key, in no particular order
    (callers split by member and sort each by order(), a total order: sorting all the rows, payloads
    and all, in the database cost PostgreSQL a sort on disk per call)."""
    return tx.all_in(
        "SELECT member_id, event_id, terminal_id, seq, kind, occurred_at, occurred_key, payload FROM events"
        " WHERE member_id IN {in} AND event_id NOT IN (SELECT event_id FROM quarantined) AND kind IN " + marks(kinds) + " AND " + UPTO,
        ids, (*kinds, upto),
    )


def order(row: dict[str, Any]) -> tuple[str, str, int]:
    """Head office's one order of events: (occurred_at, terminal_id, seq)."""
    return (row["occurred_key"], row["terminal_id"], int(row["seq"]))




@lru_cache(maxsize=1 << 16)
def _point_fields(event_id: str, kind: str, occurred_at: str, payload: str) -> lots.EventFields | None:
    """lots.event_fields of a stored event (from_ledger's PointsEvent as a plain tuple), remembered
    (a member's ledger is folded again at every batch that redeems for it; the events are
    immutable). Times go through timekeys.parse, so the fold compares them fast (one tzinfo
    instance per offset); same instants, same offsets."""
    p = stored(payload)
    expiry = p.get("expires_at")
    if isinstance(expiry, str):
        try:
            p["expires_at"] = parse(expiry)
        except ValueError:
            pass  # from_ledger refuses it with its own reason
    return lots.event_fields(event_id, kind, parse(occurred_at), p)


def points_events(event_rows: Sequence[dict[str, Any]]) -> list[lots.PointsEvent]:
    out = []
    for r in event_rows:
        found = _point_fields(r["event_id"], r["kind"], r["occurred_at"], r["payload"])
        if found is not None:
            out.append(lots.PointsEvent(*found))
    return out


def points_state(tx: Any, ids: Sequence[str], upto: int) -> lots.PointsState:
    return lots.fold(points_events(rows(tx, ids, POINT_KINDS, upto)))


def rows_of(tx: Any, group_of: dict[str, list[str]], kinds: Sequence[str],
            upto: int) -> dict[str, list[dict[str, Any]]]:
    """rows() of many members' groups (canonical id -> its ids) in one query: canonical id -> rows."""
    owner = {m: c for c, ids in group_of.items() for m in ids}
    out: dict[str, list[dict[str, Any]]] = {c: [] for c in group_of}
    for row in rows_in(tx, list(owner), kinds, upto):
        out[owner[row["member_id"]]].append(row)
    for found in out.values():
        found.sort(key=order)
    return out


# -- walking a member's point ledger, remembered ---------------------------------------------------

@dataclass(frozen=True)
class Walk:
    """A member's point ledger folded in head office order: the event ids walked, the fold state
    after them, every redemption seen ({event_id, terminal_id, seq, occurred_at, points, at}) and
    those that took more than the balance before them (with that balance)."""

    ids: tuple[str, ...]
    state: lots.PointsState
    seen: tuple[dict[str, Any], ...]
    over: tuple[tuple[dict[str, Any], int], ...]


_WALKS: OrderedDict[str, Walk] = OrderedDict()  # canonical id -> its last walk, most recent last
WALKS_KEPT = 4096
_walks_lock = threading.Lock()


# A row as walk_tuples() takes it: these first, in this order (anything may follow).
WALK_COLUMNS = ("event_id", "terminal_id", "seq", "kind", "occurred_at", "payload")
_walk_columns = itemgetter(*WALK_COLUMNS)


def _resume(canonical: str, event_rows: Sequence[Sequence[Any]]) -> Walk | None:
    with _walks_lock:
        walk = _WALKS.get(canonical)
    if walk is None or len(walk.ids) > len(event_rows):
        return None
    for i, event_id in enumerate(walk.ids):
        if event_rows[i][0] != event_id:
            return None
    return walk


def walk(canonical: str, event_rows: Sequence[dict[str, Any]]) -> Walk:
    """Fold the member's point rows (rows(), in order). Resumes from the member's last walk when the
    rows still start with exactly the events it walked (the common case: new events come after, in
    head office order); anything else (an event earlier in time arriving late, a merge, a walk done
    in a transaction that rolled back) walks from the start. The result depends only on those
    events, which never change once stored, so resuming gives what walking from the start gives."""
    return walk_tuples(canonical, [_walk_columns(r) for r in event_rows])


def walk_tuples(canonical: str, event_rows: Sequence[Sequence[Any]]) -> Walk:
    """walk() of rows as tuples starting with WALK_COLUMNS."""
    last = _resume(canonical, event_rows)
    folding = lots.Folding(last.state if last else None)
    seen: list[dict[str, Any]] = list(last.seen) if last else []
    over: list[tuple[dict[str, Any], int]] = list(last.over) if last else []
    step, balance = folding.step, folding.balance
    for row in event_rows[len(last.ids) if last else 0:]:
        kind = row[3]
        fields = _point_fields(row[0], kind, row[4], row[5])
        if fields is None:
            continue
        if kind == "points_redeemed":
            taken, at = -fields[3], fields[2]
            before = balance(at)
            seen.append({"event_id": row[0], "terminal_id": row[1], "seq": row[2],
                         "occurred_at": row[4], "points": taken, "at": at})
            if taken > before:
                over.append((seen[-1], before))
        step(*fields)
    result = Walk(tuple(r[0] for r in event_rows), folding.state(), tuple(seen), tuple(over))
    if last is None or len(result.ids) != len(last.ids):
        with _walks_lock:
            _WALKS[canonical] = result
            _WALKS.move_to_end(canonical)
            while len(_WALKS) > WALKS_KEPT:
                _WALKS.popitem(last=False)
    return result


def folded(canonical: str, event_rows: Sequence[Sequence[Any]]) -> lots.PointsState:
    """walk_tuples(canonical, event_rows).state. Without a walk of the member remembered to resume
    from, the rows are folded alone: nothing is kept of the redemptions seen, nor is the walk
    remembered (a pull's snapshots fold each member once, and in other processes than the
    projector's, whose walks the overdraft checks resume)."""
    if _resume(canonical, event_rows) is not None:
        return walk_tuples(canonical, event_rows).state
    folding = lots.Folding(None)
    step, fields = folding.step, _point_fields
    for row in event_rows:
        found = fields(row[0], row[3], row[4], row[5])
        if found is not None:
            step(*found)
    return folding.state()


def tuples_of(tx: Any, group_of: dict[str, list[str]], kinds: Sequence[str], upto: int, *,
              chunk: int = 500) -> dict[str, list[tuple[Any, ...]]]:
    """rows_of() as tuples: WALK_COLUMNS, then occurred_key and member_id. Sorted here, per member:
    an ORDER BY member_id, occurred_key, terminal_id, seq costs PostgreSQL an incremental sort per
    member (7.3 -> 10.9 ms for a pull page's 500 members), three times what sorting them here costs."""
    owner = {m: c for c, ids in group_of.items() for m in ids}
    out: dict[str, list[tuple[Any, ...]]] = {c: [] for c in group_of}
    found = tx.tuples_in(
        "SELECT event_id, terminal_id, seq, kind, occurred_at, payload, occurred_key, member_id FROM events"
        " WHERE member_id IN {in} AND event_id NOT IN (SELECT event_id FROM quarantined) AND kind IN " + marks(kinds) + " AND " + UPTO,
        list(owner), (*kinds, upto), chunk=chunk)
    for row in found:
        out[owner[row[7]]].append(row)
    for rows_ in out.values():
        if len(rows_) > 1:
            rows_.sort(key=_tuple_order)
    return out


def _tuple_order(row: tuple[Any, ...]) -> tuple[str, str, int]:
    return (row[6], row[1], int(row[2]))


def stored_value_fen(tx: Any, ids: Sequence[str], upto: int) -> int:
    return stored_value_of(rows(tx, ids, SV_KINDS, upto))


def stored_value_of(event_rows: Sequence[dict[str, Any]]) -> int:
    total = 0
    for r in event_rows:
        amount = int(stored(r["payload"])["amount_fen"])
        total += amount if r["kind"] in SV_CREDITS else -amount
    return total


def stored_value_of_tuples(event_rows: Sequence[Sequence[Any]]) -> int:
    """stored_value_of() of rows as tuples starting with WALK_COLUMNS."""
    total = 0
    for r in event_rows:
        amount = int(stored(r[5])["amount_fen"])
        total += amount if r[3] in SV_CREDITS else -amount
    return total
