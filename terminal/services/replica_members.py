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
"""

from __future__ import annotations

import json
from datetime import datetime, tzinfo
from functools import lru_cache
from typing import Any

from terminal import clock as clocks, phone as phones, tiers
from terminal.errors import PosError
from terminal.services import privacy
from terminal.services.context import Terminal


@lru_cache(maxsize=1 << 16)
def _store_time(value: str, tz: tzinfo) -> str:
    """An ISO time from head office as this store's stored text (the same times come in snapshot
    after snapshot: a catch-up converts each once)."""
    return clocks.to_text(datetime.fromisoformat(value).astimezone(tz))


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
    tz = t.tz

    def when(value: Any) -> str | None:  # head office may speak UTC; rows keep store time
        if value is None:
            return None
        if isinstance(value, datetime):
            return clocks.to_text(value.astimezone(tz))
        return _store_time(str(value), tz)

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
        for month, points in (snap.get("bonus_months") or {}).items():
            conn.execute("INSERT OR IGNORE INTO bonus_months VALUES (?, ?, ?)", (canonical, month, int(points)))
        if aliases:
            conn.execute(f"UPDATE OR IGNORE bonus_months SET member_id = ? WHERE member_id IN {_in(aliases)}",
                         (canonical, *aliases))
            conn.execute(f"DELETE FROM bonus_months WHERE member_id IN {_in(aliases)}", aliases)
            conn.execute(f"UPDATE lot_index SET member_id = ? WHERE member_id IN {_in(aliases)}",
                         (canonical, *aliases))
            conn.execute(f"DELETE FROM member_snapshots WHERE member_id IN {_in(aliases)}", aliases)
        stored = snap.get("stored_value_fen")
        conn.execute(
            "INSERT INTO member_snapshots(member_id, includes_seq, points, updated_at, stored_value_fen)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(member_id) DO UPDATE SET includes_seq = excluded.includes_seq,"
            " points = excluded.points, updated_at = excluded.updated_at,"
            " stored_value_fen = excluded.stored_value_fen",
            (canonical, includes, json.dumps(snap.get("points") or {}, ensure_ascii=False, sort_keys=True),
             now_text, None if stored is None else int(stored)))
    return canonical


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
    tier, tier_since = _earned(t, snap, canonical, when, now)
    own = conn.execute(
        f"SELECT payload, occurred_at FROM events WHERE member_id IN {_in(ids)} AND kind = 'tier_changed'"
        " AND seq > ? ORDER BY seq DESC LIMIT 1", (*ids, includes)).fetchone()
    if own is not None:
        tier, tier_since = json.loads(own[0])["to"], own[1]
    conn.execute(
        "INSERT INTO members(member_id, phone, phone_last4, name, birthday, tier, tier_since, registered_at,"
        " status, blacklist_reason, merged_into) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
        " ON CONFLICT(member_id) DO UPDATE SET phone = excluded.phone, phone_last4 = excluded.phone_last4,"
        " name = excluded.name, birthday = excluded.birthday, tier = excluded.tier,"
        " tier_since = excluded.tier_since, registered_at = excluded.registered_at, status = excluded.status,"
        " blacklist_reason = excluded.blacklist_reason, merged_into = NULL",
        (canonical, stored_phone, phones.last4(number) if number else None, snap.get("name"),
         snap.get("birthday"), tier, tier_since, when(snap["registered_at"]), snap.get("status", "active"),
         snap.get("blacklist_reason")))
    privacy.after_snapshot(t, canonical, ids, includes, snap.get("status"))


def _raised_by_paid(snap: dict[str, Any], when: Any, now: datetime) -> bool:
    """Head office's `tier` is a paid period's tier in force, not (necessarily) the earned one."""
    until = snap.get("paid_until")
    return bool(snap.get("paid_tier") and until and snap["tier"] == snap["paid_tier"]
                and clocks.from_text(when(until)) > now)


def _earned(t: Terminal, snap: dict[str, Any], canonical: str, when: Any, now: datetime) -> tuple[str, str]:
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
    conn.executemany(
        "INSERT INTO spends(member_id, occurred_at, qualifying_fen, is_purchase, ref_id, seq, origin)"
        " VALUES (?, ?, ?, ?, ?, NULL, 'headoffice')",
        [(canonical, when(s["occurred_at"]), int(s["qualifying_fen"]), int(bool(s["is_purchase"])), s["ref_id"])
         for s in snap.get("spends") or ()])


def _coupons(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], when: Any) -> None:
    """Upsert by code; a use head office reports sticks, and so does a local use it has not seen yet."""
    conn = t.store.conn
    if aliases:
        conn.execute(f"UPDATE coupons SET member_id = ? WHERE member_id IN {_in(aliases)}",
                     (canonical, *aliases))
    conn.executemany(
        "INSERT INTO coupons(code, member_id, template, issued_at, valid_from, valid_to, used_sale_id, used_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET member_id = excluded.member_id,"
        " template = excluded.template, issued_at = excluded.issued_at, valid_from = excluded.valid_from,"
        " valid_to = excluded.valid_to, used_sale_id = COALESCE(coupons.used_sale_id, excluded.used_sale_id),"
        " used_at = CASE WHEN coupons.used_sale_id IS NULL THEN excluded.used_at ELSE coupons.used_at END",
        [(c["code"], canonical, c["template"], when(c["issued_at"]), when(c["valid_from"]), when(c["valid_to"]),
          c.get("used_sale_id"), when(c.get("used_at"))) for c in snap.get("coupons") or ()])


def _cards(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], when: Any) -> None:
    """Upsert by card id; a revocation (here or at head office) sticks."""
    conn = t.store.conn
    if aliases:
        conn.execute(f"UPDATE cards SET member_id = ? WHERE member_id IN {_in(aliases)}", (canonical, *aliases))
    conn.executemany(
        "INSERT INTO cards(card_id, member_id, key_id, payload, issued_at, revoked_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(card_id) DO UPDATE SET member_id = excluded.member_id,"
        " revoked_at = COALESCE(cards.revoked_at, excluded.revoked_at)",
        [(c["card_id"], canonical, c["key_id"], c["payload"], when(c["issued_at"]), when(c.get("revoked_at")))
         for c in snap.get("cards") or ()])


def _grants(t: Terminal, snap: dict[str, Any], canonical: str, aliases: list[str], includes: int,
            ids: list[str], when: Any) -> None:
    """Paid membership periods: head office's one (if it speaks of them) + own newer purchases."""
    conn = t.store.conn
    if aliases:
        conn.execute(f"UPDATE membership_grants SET member_id = ? WHERE member_id IN {_in(aliases)}",
                     (canonical, *aliases))
    if "paid_until" not in snap and "paid_tier" not in snap:
        return
    conn.execute(f"DELETE FROM membership_grants WHERE member_id IN {_in(ids)}"
                 " AND (origin = 'headoffice' OR seq <= ?)", (*ids, includes))
    tier, until = snap.get("paid_tier"), snap.get("paid_until")
    if tier and until:
        # Head office says until when; since when only as the tier's start while the period raises it.
        since = snap.get("paid_since") or (snap["tier_since"] if snap["tier"] == tier else snap["registered_at"])
        start = when(since)
        conn.execute(
            "INSERT INTO membership_grants(grant_id, member_id, tier, starts_at, ends_at, origin, seq)"
            " VALUES (?, ?, ?, ?, ?, 'headoffice', NULL)", (f"ho:{canonical}", canonical, str(tier), start, when(until)))
