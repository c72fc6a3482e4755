"""What applying a member snapshot writes: head office's times as store text, the points JSON, and
each table's statement and rows. replica_members.py (one member, merges, erasure) and replica_bulk.py
(a pull page's plain snapshots at once) write the same rows with the same statements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo
from typing import Any

import orjson

from terminal import clock as clocks, phone as phones

_TIMES: dict[tzinfo, tuple[dict[Any, str], dict[str, bool]]] = {}  # per zone: texts, hours
# A time already in the store's text form (ISO, microseconds, +HH:MM), ASCII digits only.
_STORE_FORM = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d", re.ASCII).fullmatch
_HOUR = timedelta(hours=1)


def timer(tz: tzinfo) -> Callable[[Any], str | None]:
    """when(value): an ISO time from head office (or a datetime) as this store's stored text, None as
    None. The same times come in snapshot after snapshot: a catch-up converts each once. A time in
    the store's form whose offset is the store's own at that moment is already its stored text."""
    cache, hours = _TIMES.setdefault(tz, ({}, {}))

    def local(text: str, moment: datetime) -> bool:
        """The store's offset is the text's throughout the text's wall-clock hour (one check an hour)."""
        hour = text[:13] + text[26:]
        same = hours.get(hour)
        if same is None:
            start = moment.replace(minute=0, second=0, microsecond=0)
            offset = start.utcoffset()
            same = hours[hour] = (start.astimezone(tz).utcoffset() == offset
                                  and (start + _HOUR).astimezone(tz).utcoffset() == offset)
        return same

    def when(value: Any) -> str | None:  # head office may speak UTC; rows keep store time
        if value is None:
            return None
        if isinstance(value, datetime):
            return clocks.to_text(value.astimezone(tz))
        key = value if type(value) is str else str(value)
        text = cache.get(key)
        if text is None:
            moment = datetime.fromisoformat(key)
            text = key if _STORE_FORM(key) and local(key, moment) else clocks.to_text(moment.astimezone(tz))
            if len(cache) >= 1 << 16:
                cache.clear()
                hours.clear()
            cache[key] = text
        return text

    return when


def points_text(points: Any) -> str:
    """The snapshot's points as stored JSON text (read back with json.loads)."""
    try:
        return orjson.dumps(points, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:  # what orjson does not write (an int beyond 64 bits, a non-str key)
        return json.dumps(points, ensure_ascii=False, sort_keys=True)


# The upserts below write a row only when the pull changes it: each DO UPDATE's WHERE compares the
# row with what its SET would make of it. A catch-up's pages mostly repeat what the terminal holds
# (its own members, their coupons and cards), and an update rewrites the row and every index on a
# column it sets (members: four), equal values or not.
PROFILE_SQL = (
    "INSERT INTO members(member_id, phone, phone_last4, name, birthday, tier, tier_since, registered_at,"
    " status, blacklist_reason, merged_into) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
    " ON CONFLICT(member_id) DO UPDATE SET phone = excluded.phone, phone_last4 = excluded.phone_last4,"
    " name = excluded.name, birthday = excluded.birthday, tier = excluded.tier,"
    " tier_since = excluded.tier_since, registered_at = excluded.registered_at, status = excluded.status,"
    " blacklist_reason = excluded.blacklist_reason, merged_into = NULL"
    " WHERE (members.phone, members.phone_last4, members.name, members.birthday, members.tier,"
    " members.tier_since, members.registered_at, members.status, members.blacklist_reason, members.merged_into)"
    " IS NOT (excluded.phone, excluded.phone_last4, excluded.name, excluded.birthday, excluded.tier,"
    " excluded.tier_since, excluded.registered_at, excluded.status, excluded.blacklist_reason, NULL)")
SPEND_SQL = ("INSERT INTO spends(member_id, occurred_at, qualifying_fen, is_purchase, ref_id, seq, origin)"
             " VALUES (?, ?, ?, ?, ?, NULL, 'headoffice')")
_USED_SALE = "COALESCE(coupons.used_sale_id, excluded.used_sale_id)"  # a use the terminal knows stands
_USED_AT = "CASE WHEN coupons.used_sale_id IS NULL THEN excluded.used_at ELSE coupons.used_at END"
COUPON_SQL = (
    "INSERT INTO coupons(code, member_id, template, issued_at, valid_from, valid_to, used_sale_id, used_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET member_id = excluded.member_id,"
    " template = excluded.template, issued_at = excluded.issued_at, valid_from = excluded.valid_from,"
    f" valid_to = excluded.valid_to, used_sale_id = {_USED_SALE}, used_at = {_USED_AT}"
    " WHERE (coupons.member_id, coupons.template, coupons.issued_at, coupons.valid_from, coupons.valid_to,"
    " coupons.used_sale_id, coupons.used_at) IS NOT (excluded.member_id, excluded.template, excluded.issued_at,"
    f" excluded.valid_from, excluded.valid_to, {_USED_SALE}, {_USED_AT})")
_REVOKED = "COALESCE(cards.revoked_at, excluded.revoked_at)"
CARD_SQL = ("INSERT INTO cards(card_id, member_id, key_id, payload, issued_at, revoked_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            f" ON CONFLICT(card_id) DO UPDATE SET member_id = excluded.member_id, revoked_at = {_REVOKED}"
            f" WHERE (cards.member_id, cards.revoked_at) IS NOT (excluded.member_id, {_REVOKED})")
GRANT_SQL = ("INSERT INTO membership_grants(grant_id, member_id, tier, starts_at, ends_at, origin, seq)"
             " VALUES (?, ?, ?, ?, ?, 'headoffice', NULL)")
BONUS_SQL = "INSERT OR IGNORE INTO bonus_months VALUES (?, ?, ?)"
SNAPSHOT_SQL = (
    "INSERT INTO member_snapshots(member_id, includes_seq, points, updated_at, stored_value_fen)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(member_id) DO UPDATE SET includes_seq = excluded.includes_seq,"
    " points = excluded.points, updated_at = excluded.updated_at,"
    " stored_value_fen = excluded.stored_value_fen")


def profile_row(snap: dict[str, Any], canonical: str, stored_phone: str | None, tier: str, tier_since: str,
                when: Any) -> tuple[Any, ...]:
    number = snap.get("phone")
    return (canonical, stored_phone, phones.last4(number) if number else None, snap.get("name"),
            snap.get("birthday"), tier, tier_since, when(snap["registered_at"]), snap.get("status", "active"),
            snap.get("blacklist_reason"))


def spend_rows(snap: dict[str, Any], canonical: str, when: Any) -> list[tuple[Any, ...]]:
    return [(canonical, when(s["occurred_at"]), int(s["qualifying_fen"]), int(bool(s["is_purchase"])), s["ref_id"])
            for s in snap.get("spends") or ()]


def coupon_rows(snap: dict[str, Any], canonical: str, when: Any) -> list[tuple[Any, ...]]:
    return [(c["code"], canonical, c["template"], when(c["issued_at"]), when(c["valid_from"]), when(c["valid_to"]),
             c.get("used_sale_id"), when(c.get("used_at"))) for c in snap.get("coupons") or ()]


def card_rows(snap: dict[str, Any], canonical: str, when: Any) -> list[tuple[Any, ...]]:
    return [(c["card_id"], canonical, c["key_id"], c["payload"], when(c["issued_at"]), when(c.get("revoked_at")))
            for c in snap.get("cards") or ()]


def speaks_of_grants(snap: dict[str, Any]) -> bool:
    return "paid_until" in snap or "paid_tier" in snap


def grant_row(snap: dict[str, Any], canonical: str, when: Any) -> tuple[Any, ...] | None:
    """Head office's paid period, or None when it has none."""
    tier, until = snap.get("paid_tier"), snap.get("paid_until")
    if not (tier and until):
        return None
    # Head office says until when; since when only as the tier's start while the period raises it.
    since = snap.get("paid_since") or (snap["tier_since"] if snap["tier"] == tier else snap["registered_at"])
    return (f"ho:{canonical}", canonical, str(tier), when(since), when(until))


def bonus_rows(snap: dict[str, Any], canonical: str) -> list[tuple[Any, ...]]:
    return [(canonical, month, int(points)) for month, points in (snap.get("bonus_months") or {}).items()]


def snapshot_row(snap: dict[str, Any], canonical: str, includes: int, now_text: str) -> tuple[Any, ...]:
    stored = snap.get("stored_value_fen")
    return (canonical, includes, points_text(snap.get("points") or {}), now_text,
            None if stored is None else int(stored))
