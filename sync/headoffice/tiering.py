"""Head office decides tiers, with terminal.tiers: replaying the member's purchases in time order,
at each purchase the anniversary retention due by then and the immediate upgrade (as the terminal
does at its till), then the retention due by now. The result depends only on the stored spends,
never on the order they arrived in.

Incremental when every new spend is later than the last evaluated purchase and the tier date
(the common case: a till pushing its day); a spend that arrives late in time, a merge or a rules
change replays from the registration.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sync.headoffice import members
from sync.headoffice.timekeys import FIXED_YEARS, fixed_offset, key, parse, text, zoned
from terminal import tiers
from terminal.rules import Programme


@lru_cache(maxsize=1 << 17)
def spend_of(occurred_at: str, fen: int, purchase: bool, zone: str | None) -> tiers.Spend:
    """A stored spend as terminal.tiers takes it (remembered: a member's spends are read again at
    every batch that adds one; Spend is immutable). With `zone` (a zone of one fixed offset, see
    timekeys.fixed_offset) its time is given in that zone: terminal.tiers compares spends with
    bounds in the programme's zone, and the same tzinfo on both sides compares by fields, in the
    instants' order when the offset never changes, ten times faster than across tzinfos."""
    return tiers.Spend(zoned(occurred_at, zone) if zone else parse(occurred_at), fen, purchase)


def _as_spends(rows: list[dict[str, Any]], zone: str | None = None) -> tuple[list[str], list[tiers.Spend]]:
    """(keys, spends) in head office order."""
    keys = [r["occurred_key"] for r in rows]
    spends = [spend_of(r["occurred_at"], int(r["qualifying_fen"]), bool(r["is_purchase"]), zone) for r in rows]
    return keys, spends


def _spend_order(r: tuple[Any, ...]) -> tuple[str, str, int]:
    return (r[0], r[1], int(r[2]))


def compare_zone(programme: Programme, now: datetime, keys: list[str]) -> str | None:
    """The programme's zone if its offset is fixed over the times compared (keys are UTC texts)."""
    lo, hi = FIXED_YEARS
    if fixed_offset(programme.timezone) is None or not lo <= now.year <= hi:
        return None
    if keys and not (lo <= int(keys[0][:4]) and int(keys[-1][:4]) <= hi):
        return None
    return programme.timezone


def _spends(tx: Any, canonical: str) -> tuple[list[str], list[tiers.Spend]]:
    rows = tx.all(
        "SELECT occurred_key, occurred_at, qualifying_fen, is_purchase, terminal_id, seq FROM spends"
        " WHERE member_id = ? OR member_id IN (SELECT alias_id FROM member_aliases WHERE canonical_id = ?)"
        " ORDER BY occurred_key, terminal_id, seq",
        (canonical, canonical),
    )
    return _as_spends(rows)


class _Window:
    """What tiers.reached looks at, from prefix sums over the spends in key order (the keys are
    the instants as fixed-width UTC text, so bisecting them compares the instants): the qualifying
    spend in (as_of - window_days, as_of] and the purchases in as_of's calendar month up to as_of.
    `below_next` says, in four bisects instead of two walks over the spends, when no upgrade can be
    reached: the spend is below every higher tier's threshold and the purchases below every higher
    tier's monthly path. Otherwise tiers.upgrade decides, as before."""

    def __init__(self, keys: list[str], spends: list[tiers.Spend], programme: Programme) -> None:
        self.keys = keys
        self.days = timedelta(days=programme.tier_rules.window_days)
        self.zone = ZoneInfo(programme.timezone)
        self.fixed = fixed_offset(programme.timezone) is not None
        self.months: dict[tuple[int, int], str] = {}  # (year, month) of store time -> key of its first instant
        # tier -> (least threshold above it, least monthly purchases above it or None)
        self.above: dict[str, tuple[int, int | None]] = {}
        for i, t in enumerate(programme.tiers[:-1]):
            higher = programme.tiers[i + 1:]
            monthly = [h.monthly_purchases for h in higher if h.monthly_purchases is not None]
            self.above[t.id] = (min(h.threshold_fen for h in higher), min(monthly) if monthly else None)
        self.sums, self.buys = [0], [0]
        for s in spends:
            self.sums.append(self.sums[-1] + s.qualifying_fen)
            self.buys.append(self.buys[-1] + s.is_purchase)

    def below_next(self, tier: str, at: datetime, at_key: str) -> bool:
        """`at_key`: key(at)."""
        above = self.above.get(tier)
        if above is None:
            return False
        threshold, monthly = above
        local = at.astimezone(self.zone)
        hi = bisect.bisect_right(self.keys, at_key)
        start = self.fixed and _days_before(at_key, self.days.days)  # qualifying_spend: start < t <= local
        lo = bisect.bisect_right(self.keys, start or key(local - self.days))
        if self.sums[hi] - self.sums[lo] >= threshold:
            return False
        if monthly is None:
            return True
        month = self.months.get((local.year, local.month))
        if month is None:  # purchases_in_month: from the first of the month, store time
            month = self.months[(local.year, local.month)] = key(local.replace(day=1, hour=0, minute=0, second=0,
                                                                               microsecond=0))
        return self.buys[hi] - self.buys[bisect.bisect_left(self.keys, month)] < monthly


def _days_before(at_key: str, days: int) -> str:
    """key(moment - days) from key(moment), in a zone of one fixed offset (whole days of wall time
    are whole days of UTC there)."""
    return date.fromordinal(date.fromisoformat(at_key[:10]).toordinal() - days).isoformat() + at_key[10:]


@dataclass
class Evaluated:
    """One member's evaluation: what to store."""

    member_id: str
    tier: str
    since: datetime
    last: str  # the key of the last purchase evaluated (members.tier_key)
    changes: list[tiers.TierChange]
    full: bool  # replayed from the registration: the group's tier history is rewritten


def compute(m: dict[str, Any], canonical: str, keys: list[str], spends: list[tiers.Spend], programme: Programme,
            now: datetime, new_key: str | None, full: bool, times: list[datetime] | None = None) -> Evaluated:
    """The evaluation itself, pure: the member row (tier, tier_since, tier_key, registered_at,
    reg_tier) and the group's spends in (occurred_at, terminal_id, seq) order. `times`: the
    spends' times as stored, when `spends` carry them in another zone (a change is dated with the
    purchase's own time, as stored)."""
    known = {t.id for t in programme.tiers}
    incremental = (
        not full and m["tier_key"] is not None and m["tier"] in known
        and (new_key is None or new_key > max(m["tier_key"], key(parse(m["tier_since"]))))
    )
    if incremental:
        tier, since, start = m["tier"], parse(m["tier_since"]), m["tier_key"]
    else:
        tier = m["reg_tier"] if m["reg_tier"] in known else programme.entry_tier.id
        since, start = parse(m["registered_at"]), ""
    reach = timedelta(days=programme.tier_rules.window_days + 32)  # the window and a month
    top, entry = programme.tiers[-1].id, programme.entry_tier.id
    changes: list[tiers.TierChange] = []
    last = start
    window = _Window(keys, spends, programme)
    for i, (k, spend) in enumerate(zip(keys, spends)):
        if k <= start or not spend.is_purchase:
            continue
        at = spend.occurred_at if times is None else times[i]
        if tier != entry:  # the entry tier has none below it: retention() would say ()
            for change in tiers.retention(tier, since, spends, at, programme):
                changes.append(change)
                tier, since = change.to_tier, change.at
        if tier == top or window.below_next(tier, at, k):  # upgrade() would say None
            last = k
            continue
        lo = bisect.bisect_left(keys, key(at - reach))
        hi = bisect.bisect_right(keys, k)
        up = tiers.upgrade(tier, since, spends[lo:hi], at, programme)
        if up is not None:
            changes.append(up)
            tier, since = up.to_tier, up.at
        last = k
    for change in tiers.retention(tier, since, spends, now, programme):
        changes.append(change)
        tier, since = change.to_tier, change.at
    return Evaluated(canonical, tier, since, last, changes, not incremental)


_MEMBER = "SELECT member_id, tier, tier_since, tier_key, registered_at, reg_tier FROM members"


def evaluate(tx: Any, canonical: str, programme: Programme, now: datetime, new_key: str | None,
             full: bool) -> list[tiers.TierChange]:
    """Re-evaluate and store the member's tier; returns the changes made now."""
    m = tx.one(_MEMBER + " WHERE member_id = ?", (canonical,))
    keys, spends = _spends(tx, canonical)
    result = compute(m, canonical, keys, spends, programme, now, new_key, full)
    _store(tx, [result], members.groups(tx, [canonical]) if result.full else {})
    return result.changes


def evaluate_many(tx: Any, canonicals: list[str], programme: Programme, now: datetime, new_keys: dict[str, str],
                  full: set[str]) -> list[Evaluated]:
    """evaluate() for many members, set-wise: their rows, groups and spends in three queries,
    the stores in bulk. Members are independent (their groups are disjoint)."""
    if not canonicals:
        return []
    rows = {r["member_id"]: r for r in tx.all_in(_MEMBER + " WHERE member_id IN {in}", canonicals)}
    group_of = members.groups(tx, canonicals)
    owner = {m: c for c, ids in group_of.items() for m in ids}
    by_member: dict[str, list[tuple[Any, ...]]] = {c: [] for c in canonicals}
    # (occurred_key, terminal_id, seq, occurred_at, qualifying_fen, is_purchase, member_id)
    for r in tx.tuples_in("SELECT occurred_key, terminal_id, seq, occurred_at, qualifying_fen, is_purchase, member_id"
                          " FROM spends WHERE member_id IN {in} ORDER BY occurred_key, terminal_id, seq", list(owner)):
        by_member[owner[r[6]]].append(r)
    results = []
    for c in canonicals:
        spend_rows = by_member[c]  # in order, as read; a group's rows may come from two chunks (SQLite)
        if len(group_of[c]) > 1:
            spend_rows.sort(key=_spend_order)
        keys = [r[0] for r in spend_rows]
        zone = compare_zone(programme, now, keys)
        spends = [spend_of(r[3], int(r[4]), bool(r[5]), zone) for r in spend_rows]
        times = None if zone is None else [parse(r[3]) for r in spend_rows]
        results.append(compute(rows[c], c, keys, spends, programme, now, new_keys.get(c), c in full, times))
    _store(tx, results, group_of)
    return results


def _store(tx: Any, results: list[Evaluated], group_of: dict[str, list[str]]) -> None:
    """As evaluate() writes each: a full replay first deletes the group's tier history; the member
    row gets the tier; the changes are appended after the member's last history row."""
    replayed = [m for r in results if r.full for m in group_of[r.member_id]]
    for lo in range(0, len(replayed), 500):
        part = replayed[lo:lo + 500]
        tx.execute(f"DELETE FROM tier_history WHERE member_id IN {members.marks(part)}", part)
    tx.update_rows("members", "member_id", ("tier", "tier_since", "tier_key"),
                   [(r.tier, text(r.since), r.last, r.member_id) for r in results])
    changed = [r for r in results if r.changes]
    if not changed:
        return
    counts = {row["member_id"]: int(row["n"]) for row in tx.all_in(
        "SELECT member_id, COUNT(*) AS n FROM tier_history WHERE member_id IN {in} GROUP BY member_id",
        [r.member_id for r in changed])}
    tx.insert_rows("tier_history", ("member_id", "n", "at", "from_tier", "to_tier", "reason"), [
        (r.member_id, counts.get(r.member_id, 0) + i + 1, text(c.at), c.from_tier, c.to_tier, c.reason)
        for r in changed for i, c in enumerate(r.changes)])
