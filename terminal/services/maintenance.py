"""What is due as of a time: points expiry, tier retention, birthday coupons. Idempotent: running
it twice for the same time writes nothing the second time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from terminal import clock as clocks, tiers
from terminal.services import reads, writes
from terminal.services.context import Actor, Terminal, require


@dataclass(frozen=True)
class Maintained:
    points_expired: int
    lots_expired: int
    members_expired: int
    tier_changes: int
    birthday_coupons: int
    changed: frozenset[str] = field(default=frozenset({"points", "tier", "coupons"}))


def maintain(t: Terminal, actor: Actor, at: datetime | None = None) -> Maintained:
    require(actor, "manager")
    now = t.now(at)
    points_total, lots_total, members_expired = _expire(t, now)
    return Maintained(points_total, lots_total, members_expired, _retention(t, now), _birthdays(t, actor, now))


def _expire(t: Terminal, now: datetime) -> tuple[int, int, int]:
    now_text = clocks.to_text(now)
    member_ids = [r[0] for r in t.store.conn.execute(
        "SELECT DISTINCT member_id FROM lot_index WHERE open = 1 AND expires_at <= ?", (now_text,))]
    points_total = lots_total = 0
    for member_id in member_ids:
        with t.store.write() as conn:
            for lot in reads.points_state(t, member_id).due_expiry(now):
                t.emit("points_expired", lot.expires_at, None, member_id, {"lot_id": lot.lot_id, "points": lot.remaining})
                points_total += lot.remaining
                lots_total += 1
            conn.execute("UPDATE lot_index SET open = 0 WHERE member_id = ? AND open = 1 AND expires_at <= ?",
                         (member_id, now_text))
    return points_total, lots_total, len(member_ids)


def _retention(t: Terminal, now: datetime) -> int:
    programme = t.programme
    entry = programme.entry_tier.id
    count = 0
    rows = t.store.all("SELECT member_id, tier, tier_since FROM members WHERE tier != ? AND status != 'erased'"
                       " AND merged_into IS NULL", (entry,))
    for row in rows:
        changes = tiers.retention(row["tier"], clocks.from_text(row["tier_since"]),
                                  reads.spends(t, row["member_id"]), now, programme)
        if not changes:
            continue
        with t.store.write() as conn:
            for change in changes:
                t.emit("tier_changed", change.at, None, row["member_id"],
                       {"from": change.from_tier, "to": change.to_tier, "reason": change.reason})
            conn.execute("UPDATE members SET tier = ?, tier_since = ? WHERE member_id = ?",
                         (changes[-1].to_tier, clocks.to_text(changes[-1].at), row["member_id"]))
        count += len(changes)
    return count


def _birthdays(t: Terminal, actor: Actor, now: datetime) -> int:
    templates = t.programme.templates_issued_on("birthday_month")
    if not templates:
        return 0
    rows = t.store.all(
        "SELECT member_id, birthday FROM members WHERE status = 'active' AND merged_into IS NULL"
        " AND substr(birthday, 6, 2) = ?",
        (f"{now.month:02d}",),
    )
    count = 0
    for row in rows:
        born = clocks.parse_date(row["birthday"])
        with t.store.write():
            for template in templates:
                key = f"{template.template}:{row['member_id']}:{now.year}"
                if writes.issue_coupon(t, actor, row["member_id"], template.template, now, born, issue_key=key):
                    count += 1
    return count
