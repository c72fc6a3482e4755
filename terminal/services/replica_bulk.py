"""Applying a run of plain member snapshots of a pull page set-wise: one statement per table for the
whole run instead of ~10 per member (a catch-up brings ten thousand snapshots and more).

A plain snapshot (`plain_member`) is the common case: no aliases, not an erasure, and (checked here
against the ledger) no own profile event newer than its includes_seq. Then privacy.after_snapshot
has nothing to do, and what replica_members.apply_member_snapshot does for the member touches only
its own rows (and coupons/cards by their own keys), so the rows of a run can be written table by
table, each table's rows in page order, with the same statements and the same rows:
- the phone check ("another member holds it") is played through the run in page order, starting
  from the holders the store has, so two snapshots of one page handing a phone over end as they
  would one by one;
- the own newer tier change (events with seq > includes_seq) is read for the whole run at once;
- the earned tier is replica_members.earned, which reads only the member's own row, which no
  earlier snapshot of the run has written (a run never holds one member twice).
Anything else goes through apply_member_snapshot, in its place in the page. If the run's bulk write
raises, it is rolled back and the run is applied change by change, so a bad change is skipped
alone exactly as before (replica.apply_page).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from terminal import clock as clocks
from terminal.services import privacy, replica_members, replica_rows as rows
from terminal.services.context import Terminal

Change = dict[str, Any]
_MAX_RUN = 500  # ids in one IN list (SQLite before 3.32 allows 999 variables)
_NEWER_KINDS = ("tier_changed", *privacy.PROFILE_EVENT_KINDS)


def plain_member(change: Change) -> str | None:
    """The member id of a member change that may go set-wise, else None (judged on the snapshot
    alone; apply_members also checks the ledger)."""
    if change.get("kind") != "member":
        return None
    snap = change.get("member")
    if not snap or type(snap) is not dict:
        return None
    canonical = snap.get("member_id")
    if type(canonical) is not str or not canonical or snap.get("status") == "erased":
        return None
    aliases = snap.get("aliases")
    if aliases and (type(aliases) is not list or any(a != canonical for a in aliases)):
        return None
    number = snap.get("phone")
    if number is not None and type(number) is not str:
        return None
    return canonical


def _in(values: Any) -> str:
    return "(" + ",".join("?" * len(values)) + ")"


def apply_members(t: Terminal, run: list[tuple[Change, str]], at: datetime | None,
                  one: Callable[[Change], None]) -> None:
    """Inside the page's transaction: the run's plain member changes ((change, member id), distinct
    ids, in page order); `one` applies a single change the way apply_page does (savepoint, skip)."""
    if len(run) > _MAX_RUN:  # the run's ids go into IN lists
        for lo in range(0, len(run), _MAX_RUN):
            apply_members(t, run[lo:lo + _MAX_RUN], at, one)
        return
    if not run:
        return
    conn = t.store.conn
    try:
        includes = {m: int(c["member"].get("includes_seq") or 0) for c, m in run}
    except (TypeError, ValueError):
        for change, _ in run:
            one(change)
        return
    since = min(includes.values())
    last = conn.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    events = [] if last is None or last <= since else conn.execute(  # none newer: a catch-up's usual case
        f"SELECT member_id, seq, kind, payload, occurred_at FROM events WHERE member_id IN {_in(includes)}"
        f" AND seq > ? AND kind IN {_in(_NEWER_KINDS)}", (*includes, since, *_NEWER_KINDS)).fetchall()
    profile_newer: set[str] = set()
    tier_newer: dict[str, tuple[int, str, str]] = {}  # member -> (seq, payload, occurred_at)
    for member_id, seq, kind, payload, occurred_at in events:
        if seq <= includes[member_id]:
            continue
        if kind != "tier_changed":
            profile_newer.add(member_id)
        elif member_id not in tier_newer or seq > tier_newer[member_id][0]:
            tier_newer[member_id] = (seq, payload, occurred_at)
    segment: list[tuple[Change, str]] = []
    for change, member_id in run:
        if member_id in profile_newer:  # own profile events on top: the one-by-one path
            _segment(t, segment, includes, tier_newer, at, one)
            segment = []
            one(change)
        else:
            segment.append((change, member_id))
    _segment(t, segment, includes, tier_newer, at, one)


def _segment(t: Terminal, segment: list[tuple[Change, str]], includes: dict[str, int],
             tier_newer: dict[str, tuple[int, str, str]], at: datetime | None,
             one: Callable[[Change], None]) -> None:
    if not segment:
        return
    conn = t.store.conn
    conn.execute("SAVEPOINT pulled_members")
    try:
        _write(t, segment, includes, tier_newer, at)
    except Exception:  # noqa: BLE001 - whatever it is, the one-by-one path decides (and reports) it
        conn.execute("ROLLBACK TO pulled_members")
        conn.execute("RELEASE pulled_members")
        for change, _ in segment:
            one(change)
        return
    conn.execute("RELEASE pulled_members")


def _write(t: Terminal, segment: list[tuple[Change, str]], includes: dict[str, int],
           tier_newer: dict[str, tuple[int, str, str]], at: datetime | None) -> None:
    conn = t.store.conn
    when = rows.timer(t.tz)
    now = t.now(at)
    now_text = clocks.to_text(now)
    snaps = [(change["member"], member_id) for change, member_id in segment]
    numbers = list({n for s, _ in snaps if (n := s.get("phone"))})
    holder_of: dict[str, str] = dict(conn.execute(
        f"SELECT phone, member_id FROM members WHERE phone IN {_in(numbers)}", numbers)) if numbers else {}
    phone_of = {m: p for p, m in holder_of.items()}
    profiles: list[tuple[Any, ...]] = []
    spends: list[tuple[Any, ...]] = []
    coupons: list[tuple[Any, ...]] = []
    cards: list[tuple[Any, ...]] = []
    grants_said: list[tuple[str, int]] = []
    grants: list[tuple[Any, ...]] = []
    bonus: list[tuple[Any, ...]] = []
    snapshots: list[tuple[Any, ...]] = []
    for snap, canonical in snaps:
        number = snap.get("phone")
        holder = holder_of.get(number) if number else None
        # as replica_members._upsert_profile: another member holding the phone keeps it for now
        stored_phone = None if holder is not None and holder != canonical else number
        tier, tier_since = replica_members.earned(t, snap, canonical, when, now)
        own = tier_newer.get(canonical)
        if own is not None:
            tier, tier_since = json.loads(own[1])["to"], own[2]
        profiles.append(rows.profile_row(snap, canonical, stored_phone, tier, tier_since, when))
        before = phone_of.pop(canonical, None)
        if before is not None and holder_of.get(before) == canonical:
            del holder_of[before]
        if stored_phone:
            holder_of[stored_phone] = canonical
            phone_of[canonical] = stored_phone
        spends += rows.spend_rows(snap, canonical, when)
        coupons += rows.coupon_rows(snap, canonical, when)
        cards += rows.card_rows(snap, canonical, when)
        if rows.speaks_of_grants(snap):
            grants_said.append((canonical, includes[canonical]))
            if (row := rows.grant_row(snap, canonical, when)) is not None:
                grants.append(row)
        bonus += rows.bonus_rows(snap, canonical)
        snapshots.append(rows.snapshot_row(snap, canonical, includes[canonical], now_text))
    # Each table's rows in page order, as one by one (new rows get their rowids in the same order).
    conn.executemany(rows.PROFILE_SQL, profiles)
    _delete(conn, "spends", [(m, includes[m]) for _, m in snaps])
    conn.executemany(rows.SPEND_SQL, spends)
    conn.executemany(rows.COUPON_SQL, coupons)
    conn.executemany(rows.CARD_SQL, cards)
    _delete(conn, "membership_grants", grants_said)
    conn.executemany(rows.GRANT_SQL, grants)
    conn.executemany(rows.BONUS_SQL, bonus)
    conn.executemany(rows.SNAPSHOT_SQL, snapshots)


def _delete(conn: Any, table: str, members: list[tuple[str, int]]) -> None:
    """Head office's rows and own rows through includes_seq of these (member, includes_seq): one
    statement per includes_seq (a page's snapshots share one)."""
    by_includes: dict[int, list[str]] = {}
    for member_id, includes in members:
        by_includes.setdefault(includes, []).append(member_id)
    for includes, ids in by_includes.items():
        conn.execute(f"DELETE FROM {table} WHERE member_id IN {_in(ids)}"
                     " AND (origin = 'headoffice' OR seq <= ?)", (*ids, includes))
