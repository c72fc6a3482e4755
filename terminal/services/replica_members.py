"""Applying head office's snapshot of one member (the protocol's MemberSnapshot, as a plain dict).

The snapshot is whole: profile, tier, confirmed points, spends, coupons, cards and bonus months,
including this terminal's events through `includes_seq`. Applying it keeps only what the snapshot
cannot know yet: this terminal's own rows and events with seq > includes_seq (a local coupon use,
a local card revocation, a newer provisional tier). Reads then show snapshot + own newer events.

Merges: each alias id gets merged_into = the canonical id and gives up its phone (the phone's unique
index moves to the canonical member); the alias's projections (spends, coupons, cards, bonus
months, lot index) move to the canonical member. The ledger (events, sales) is history: it keeps the
ids it was written with, and reads gather the member and its aliases.

Profile: head office's (last writer wins per field), then this terminal's own profile events it has
not seen yet; an erasure head office reports is carried out here too (privacy.after_snapshot).

Stored value: the snapshot's stored_value_fen is kept as the confirmed balance (reads add own
stored-value events with seq > includes_seq). A snapshot without the field says nothing about stored
value: NULL is kept and the local ledger alone counts (see services/stored_value.py).
Paid membership: optional `paid_tier`/`paid_until` fields. When present (even null), head office's
period replaces its earlier one and the own grants through includes_seq (it counted them); own grants
newer than that stay. When absent, every own grant stays.
Tier: members.tier here is the EARNED tier (reads raise it to a paid tier in force, see
services/standing.py). Head office's `tier` is the tier it serves the member at, raised by a paid
period in force; then it is not the earned tier, so an `earned_tier`/`earned_since` pair is used if
head office sends one, else the earned tier this terminal already holds (a member new here: the tier
the snapshot's spends reach), so the member drops back correctly when the period ends.

A pull page's plain snapshots (most of them) are written set-wise by replica_bulk.py, with the same
statements and rows (replica_rows.py); a change to what is applied here must be made there alike
(tests/terminal/services/test_replica_bulk.py compares the two).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from terminal import clock as clocks, tiers
from terminal.errors import PosError
from terminal.services import privacy
from terminal.services.context import Terminal
from terminal.services.replica_rows import (
    BONUS_SQL, CARD_SQL, COUPON_SQL, GRANT_SQL, PROFILE_SQL, SNAPSHOT_SQL, SPEND_SQL, bonus_rows, card_rows,
    coupon_rows, grant_row, profile_row, snapshot_row, speaks_of_grants, spend_rows, timer,
)


def _in(ids: list[str]) -> str:
    return "(" + ",".join("?" * len(ids)) + ")"


def apply_member_snapshot(t: Terminal, snap: dict[str, Any], at: datetime | None = None) -> str:
    """Upsert the member head office confirmed; returns its (canonical) id."""
    canonical = snap.get("member_id")
    if not isinstance(canonical, str) or not canonical:
        raise PosError("input_invalid", detail="member snapshot without member_id")
    aliases = sorted({a for a in snap.get("aliases") or () if a != canonical})
    ids = [canonical, *aliases]
    includes = int(snap.get("includes_seq") or 0)
    when = timer(t.tz)
    now = t.now(at)
    now_text = clocks.to_text(now)
    with t.store.write() as conn:
        if aliases:
            # An alias registered at another terminal gets a row too, so its id (and a card
            # naming it, verified by signature) finds the canonical member here.
            conn.executemany(
                "INSERT OR IGNORE INTO members(member_id, tier, tier_since, registered_at, merged_into)"
                " VALUES (?, ?, ?, ?, ?)",
                [(a, snap["tier"], when(snap["tier_since"]), when(snap["registered_at"]), canonical)
                 for a in aliases])
            conn.execute(f"UPDATE members SET merged_into = ?, phone = NULL, phone_last4 = NULL"
                         f" WHERE member_id IN {_in(aliases)}", (canonical, *aliases))
            conn.execute(f"UPDATE members SET merged_into = ? WHERE merged_into IN {_in(aliases)}",
                         (canonical, *aliases))
        _upsert_profile(t, snap, canonical, includes, ids, when, now)
        _spends(t, snap, canonical, aliases, includes, ids, when)
        _coupons(t, snap, canonical, aliases, when)
        _cards(t, snap, canonical, aliases, when)
        _grants(t, snap, canonical, aliases, includes, ids, when)
        conn.executemany(BONUS_SQL, bonus_rows(snap, canonical))
        if aliases:
            conn.execute(f"UPDATE OR IGNORE bonus_months SET member_id = ? WHERE member_id IN {_in(aliases)}",
                         (canonical, *aliases))
            conn.execute(f"DELETE FROM bonus_months WHERE member_id IN {_in(aliases)}", aliases)
            conn.execute(f"UPDATE lot_index SET member_id = ? WHERE member_id IN {_in(aliases)}",
                         (canonical, *aliases))
            conn.execute(f"DELETE FROM member_snapshots WHERE member_id IN {_in(aliases)}", aliases)
        conn.execute(SNAPSHOT_SQL, snapshot_row(snap, canonical, includes, now_text))
    return canonical


# -- one member -----------------------------------------------------------------------------------

def _upsert_profile(t: Terminal, snap: dict[str, Any], canonical: str, includes: int, ids: list[str],
                    when: Any, now: datetime) -> None:
    """Profile and tier as head office says, the phone unless another (not yet merged) local member
    holds it, and a provisional tier from this terminal's own newer tier change if there is one."""
    conn = t.store.conn
    number = snap.get("phone")
    holder = None
    if number:
        holder = conn.execute("SELECT member_id FROM members WHERE phone = ? AND member_id != ?",
                              (number, canonical)).fetchone()
    # Two members with one phone until head office merges them: the pulled one waits without its
    # phone (a last-4 search still lists both); the next snapshot after the merge gives it back.
    stored_phone = None if holder else number
    tier, tier_since = earned(t, snap, canonical, when, now)
    own = conn.execute(
        f"SELECT payload, occurred_at FROM events WHERE member_id IN {_in(ids)} AND kind = 'tier_changed'"
        " AND seq > ? ORDER BY seq DESC LIMIT 1", (*ids, includes)).fetchone()
    if own is not None:
        tier, tier_since = json.loads(own[0])["to"], own[1]
    conn.execute(PROFILE_SQL, profile_row(snap, canonical, stored_phone, tier, tier_since, when))
    privacy.after_snapshot(t, canonical, ids, includes, snap.get("status"))


def _raised_by_paid(snap: dict[str, Any], when: Any, now: datetime) -> bool:
    """Head office's `tier` is a paid period's tier in force, not (necessarily) the earned one."""
    until = snap.get("paid_until")
    return bool(snap.get("paid_tier") and until and snap["tier"] == snap["paid_tier"]
                and clocks.from_text(when(until)) > now)


def earned(t: Terminal, snap: dict[str, Any], canonical: str, when: Any, now: datetime) -> tuple[str, str]:
    """(earned tier, since) to store for the member."""
    if snap.get("earned_tier"):
        return str(snap["earned_tier"]), when(snap.get("earned_since") or snap["tier_since"])
    if not _raised_by_paid(snap, when, now):
        return snap["tier"], when(snap["tier_since"])
    row = t.store.conn.execute("SELECT tier, tier_since FROM members WHERE member_id = ? AND merged_into IS NULL",
                               (canonical,)).fetchone()
    if row is not None:
        return row[0], row[1]
    programme = t.programme
    spend_list = [tiers.Spend(clocks.from_text(when(s["occurred_at"])), int(s["qualifying_fen"]),
                              bool(s["is_purchase"])) for s in snap.get("spends") or ()]
    reached = tiers.reached(spend_list, now, programme)
    if reached == programme.entry_tier.id:
        return reached, when(snap["registered_at"])
    return reached, clocks.to_text(now)


def _spends(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], includes: int,
            ids: list[str], when: Any) -> None:
    """Head office's records replace the earlier ones; own rows through includes_seq are inside them."""
    conn = t.store.conn
    conn.execute(f"DELETE FROM spends WHERE member_id IN {_in(ids)} AND (origin = 'headoffice' OR seq <= ?)",
                 (*ids, includes))
    if aliases:
        conn.execute(f"UPDATE spends SET member_id = ? WHERE member_id IN {_in(aliases)}",
                     (canonical, *aliases))
    conn.executemany(SPEND_SQL, spend_rows(snap, canonical, when))


def _coupons(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], when: Any) -> None:
    """Upsert by code; a use head office reports sticks, and so does a local use it has not seen yet."""
    conn = t.store.conn
    if aliases:
        conn.execute(f"UPDATE coupons SET member_id = ? WHERE member_id IN {_in(aliases)}",
                     (canonical, *aliases))
    conn.executemany(COUPON_SQL, coupon_rows(snap, canonical, when))


def _cards(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], when: Any) -> None:
    """Upsert by card id; a revocation (here or at head office) sticks."""
    conn = t.store.conn
    if aliases:
        conn.execute(f"UPDATE cards SET member_id = ? WHERE member_id IN {_in(aliases)}", (canonical, *aliases))
    conn.executemany(CARD_SQL, card_rows(snap, canonical, when))


def _grants(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], includes: int,
            ids: list[str], when: Any) -> None:
    """Paid membership periods: head office's one (if it speaks of them) + own newer purchases."""
    conn = t.store.conn
    if aliases:
        conn.execute(f"UPDATE membership_grants SET member_id = ? WHERE member_id IN {_in(aliases)}",
                     (canonical, *aliases))
    if not speaks_of_grants(snap):
        return
    conn.execute(f"DELETE FROM membership_grants WHERE member_id IN {_in(ids)}"
                 " AND (origin = 'headoffice' OR seq <= ?)", (*ids, includes))
    row = grant_row(snap, canonical, when)
    if row is not None:
        conn.execute(GRANT_SQL, row)
