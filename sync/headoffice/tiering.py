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
from datetime import datetime, timedelta
from typing import Any

from sync.headoffice import members
from sync.headoffice.timekeys import key, parse, text
from terminal import tiers
from terminal.rules import Programme


def _spends(tx: Any, canonical: str) -> tuple[list[str], list[tiers.Spend]]:
    rows = tx.all(
        "SELECT occurred_key, occurred_at, qualifying_fen, is_purchase FROM spends WHERE member_id = ? OR member_id"
        " IN (SELECT alias_id FROM member_aliases WHERE canonical_id = ?) ORDER BY occurred_key, terminal_id, seq",
        (canonical, canonical),
    )
    keys = [r["occurred_key"] for r in rows]
    spends = [tiers.Spend(parse(r["occurred_at"]), int(r["qualifying_fen"]), bool(r["is_purchase"])) for r in rows]
    return keys, spends


def evaluate(tx: Any, canonical: str, programme: Programme, now: datetime, new_key: str | None, full: bool) -> list[tiers.TierChange]:
    """Re-evaluate and store the member's tier; returns the changes made now."""
    m = tx.one("SELECT tier, tier_since, tier_key, registered_at, reg_tier FROM members WHERE member_id = ?",
               (canonical,))
    known = {t.id for t in programme.tiers}
    keys, spends = _spends(tx, canonical)
    incremental = (
        not full and m["tier_key"] is not None and m["tier"] in known
        and (new_key is None or new_key > max(m["tier_key"], key(parse(m["tier_since"]))))
    )
    if incremental:
        tier, since, start = m["tier"], parse(m["tier_since"]), m["tier_key"]
    else:
        ids = members.group(tx, canonical)
        tier = m["reg_tier"] if m["reg_tier"] in known else programme.entry_tier.id
        since, start = parse(m["registered_at"]), ""
        tx.execute(f"DELETE FROM tier_history WHERE member_id IN {members.marks(ids)}", ids)
    reach = timedelta(days=programme.tier_rules.window_days + 32)  # the window and a month
    changes: list[tiers.TierChange] = []
    last = start
    for k, spend in zip(keys, spends):
        if k <= start or not spend.is_purchase:
            continue
        at = spend.occurred_at
        for change in tiers.retention(tier, since, spends, at, programme):
            changes.append(change)
            tier, since = change.to_tier, change.at
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
    tx.execute("UPDATE members SET tier = ?, tier_since = ?, tier_key = ? WHERE member_id = ?",
               (tier, text(since), last, canonical))
    if not changes:
        return changes
    n = int(tx.scalar("SELECT COUNT(*) AS n FROM tier_history WHERE member_id = ?", (canonical,)) or 0)
    tx.many(
        "INSERT INTO tier_history(member_id, n, at, from_tier, to_tier, reason) VALUES (?, ?, ?, ?, ?, ?)",
        [(canonical, n + i + 1, text(c.at), c.from_tier, c.to_tier, c.reason) for i, c in enumerate(changes)],
    )
    return changes
