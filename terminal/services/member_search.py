"""The manager's member search: one query (full phone, phone prefix, last 4 digits, name, scanned card
or member id) narrowed by tier, lifecycle and status.

What each query reads, so it stays fast with a million members:
- a card, a member id, a full phone or the last 4 digits: terminal/services/lookup.py (the card
  check, the unique phone index, the last-4 covering index), then the found ids by primary key;
- a phone prefix (3 to 10 digits, other than 4): a range on the unique phone index;
- a name (anything else): names holding it, those starting with it first (a scan of the narrow
  last-4 covering index, which holds the name; it stops at `limit`);
- no query: the newest members first (the time-ordered member id's index), stopping at `limit`.
Lifecycle is the member's last purchase in `spends` (one indexed look-up per member) against the
programme's day limits in store time, exactly as terminal/lifecycle.py counts them. Tier is the
stored tier (what the last sale or maintenance set). Erased members and merged aliases are never
listed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from terminal import cards, clock as clocks, lifecycle as lifecycles
from terminal.errors import PosError
from terminal.services import lookup, reads
from terminal.services.context import Actor, Terminal, require

LIFECYCLES = ("new", "active", "dormant", "lost")
STATUSES = ("active", "blacklisted")
MAX_LIMIT = 1000
MAX_TEXT = cards.MAX_PAYLOAD_CHARS

_COLUMNS = "m.member_id, m.phone, m.name, m.tier, m.status, m.registered_at"  # all in members_last4_list
_LAST_PURCHASE = ("(SELECT MAX(s.occurred_at) FROM spends s WHERE s.member_id = m.member_id"
                  " AND s.is_purchase = 1 AND s.occurred_at <= ?)")
_LISTED = "+m.merged_into IS NULL AND m.status != 'erased'"


def query_kind(text: str) -> str:
    """How a query is read: 'all', 'card', 'id', 'last4', 'phone', 'phone_prefix' or 'name'."""
    q = text.strip()
    compact = q.replace(" ", "").replace("-", "")
    if not q:
        return "all"
    if cards.looks_like_card(q):
        return "card"
    if lookup._UUID.match(q.lower()):
        return "id"
    if compact.isdigit() and compact.isascii():
        if len(compact) == 4:
            return "last4"
        if len(compact) >= 11:
            return "phone"
        if len(compact) >= 3:
            return "phone_prefix"
        return "name"
    if compact.startswith("+") and compact[1:].isdigit():
        return "phone"
    return "name"


def search(
    t: Terminal,
    actor: Actor,
    text: str = "",
    tier: str | None = None,
    lifecycle: str | None = None,
    status: str | None = None,
    limit: int = 200,
    at: datetime | None = None,
) -> list[dict[str, Any]]:
    """Members matching the query and every filter given, at most `limit` (1-1000) of them."""
    require(actor, "manager")
    programme = t.programme
    if tier is not None and tier not in {x.id for x in programme.tiers}:
        raise PosError("input_invalid", detail=f"tier {tier!r}")
    if lifecycle is not None and lifecycle not in LIFECYCLES:
        raise PosError("input_invalid", detail=f"lifecycle {lifecycle!r}")
    if status is not None and status not in STATUSES:
        raise PosError("input_invalid", detail=f"status {status!r}")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise PosError("input_invalid", detail=f"limit {limit!r}")
    q = " ".join((text or "").split())
    if len(q) > MAX_TEXT:
        raise PosError("input_invalid", detail=f"query longer than {MAX_TEXT}")
    now = t.now(at)
    now_text = clocks.to_text(now)
    where, params = _filters(t, now, tier, lifecycle, status)
    kind = query_kind(q)
    if kind in ("card", "id", "last4", "phone"):
        ids = _found_ids(t, q)
        rows = _rows(t, now_text, f"m.member_id IN ({','.join('?' * len(ids))})", ids, where, params,
                     "m.registered_at, m.member_id", limit) if ids else []
    elif kind == "phone_prefix":
        low = "+86" + q.replace(" ", "").replace("-", "")  # Chinese mobiles (E.164 text sorts by digit)
        rows = _rows(t, now_text, "m.phone >= ? AND m.phone < ?", [low, low + ":"], where, params,
                     "m.phone", limit)
    elif kind == "name":
        rows = _by_name(t, now_text, q, where, params, limit)
    else:
        rows = _rows(t, now_text, "1", [], where, params, "m.member_id DESC", limit)
    return [_result(t, r, now) for r in rows]


def _found_ids(t: Terminal, q: str) -> list[str]:
    """The members lookup finds for an exact query (no match: none; a bad card or phone: its error)."""
    try:
        return [r["member_id"] for r in lookup.find(t, q)]
    except PosError as exc:
        if exc.code == "member_not_found":
            return []
        raise


def _filters(t: Terminal, now: datetime, tier: str | None, lifecycle: str | None,
             status: str | None) -> tuple[str, list[Any]]:
    clauses, params = [_LISTED], []
    if tier is not None:
        clauses.append("m.tier = ?")
        params.append(tier)
    if status is not None:
        clauses.append("m.status = ?")
        params.append(status)
    if lifecycle is not None:
        active_from, lost_before = _bounds(t, now)
        if lifecycle == "new":
            clauses.append("last_purchase IS NULL")
        elif lifecycle == "active":
            clauses.append("last_purchase >= ?")
            params.append(active_from)
        elif lifecycle == "dormant":
            clauses.append("last_purchase >= ? AND last_purchase < ?")
            params += [lost_before, active_from]
        else:
            clauses.append("last_purchase < ?")
            params.append(lost_before)
    return " AND ".join(clauses), params


def _bounds(t: Terminal, now: datetime) -> tuple[str, str]:
    """(first moment of 'active', first moment not 'lost') as stored text: lifecycle counts calendar
    days in store time, so the limits are midnights (stored times are store time, so they compare
    as text)."""
    rules = t.programme.lifecycle
    today = now.astimezone(t.tz).date()

    def midnight(day: date) -> str:
        return clocks.to_text(datetime.combine(day, time(0), tzinfo=t.tz))

    return (midnight(today - timedelta(days=rules.active_days - 1)),
            midnight(today - timedelta(days=rules.lost_days - 1)))


def _rows(t: Terminal, now_text: str, match: str, match_params: list[Any], where: str, params: list[Any],
          order: str, limit: int) -> list[tuple[Any, ...]]:
    sql = (f"SELECT {_COLUMNS}, {_LAST_PURCHASE} AS last_purchase FROM members m"
           f" WHERE ({match}) AND {where} ORDER BY {order} LIMIT ?")
    return t.store.conn.execute(sql, (now_text, *match_params, *params, limit)).fetchall()


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _by_name(t: Terminal, now_text: str, q: str, where: str, params: list[Any], limit: int) -> list[tuple[Any, ...]]:
    """Names holding the query, those starting with it first (the exact name first of all), then by
    name. One scan when fewer than `limit` match; else the names starting with it are fetched first."""
    conn = t.store.conn
    base = f"SELECT {_COLUMNS}, {_LAST_PURCHASE} AS last_purchase FROM members m WHERE m.name LIKE ? ESCAPE '\\'"
    rows = conn.execute(base + f" AND {where} LIMIT ?", (now_text, "%" + _like(q) + "%", *params, limit)).fetchall()
    if len(rows) == limit:
        prefix = conn.execute(base + f" AND {where} LIMIT ?", (now_text, _like(q) + "%", *params, limit)).fetchall()
        seen = {r[0] for r in prefix}
        rows = (prefix + [r for r in rows if r[0] not in seen])[:limit]
    return sorted(rows, key=lambda r: (r[2] != q, not r[2].startswith(q), r[2], r[5]))


def _result(t: Terminal, row: tuple[Any, ...], now: datetime) -> dict[str, Any]:
    member_id, e164, name, tier, status, registered_at, last_purchase = row
    last = clocks.from_text(last_purchase) if last_purchase else None
    return {
        "member_id": member_id,
        "phone": e164,
        "phone_masked": lookup.mask(e164),
        "name": name,
        "tier": tier,
        "status": status,
        "registered_at": registered_at,
        "last_purchase_at": last_purchase,
        "lifecycle": lifecycles.lifecycle([last] if last else [], now, t.programme),
        "points_balance": reads.points_state(t, member_id).balance(now),
    }

