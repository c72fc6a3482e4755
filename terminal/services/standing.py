"""A member's standing: the earned tier (stored tier with any retention drop due by now), the paid
membership grants (付费会员), and the tier the member is served at = membership.effective_tier of
the two. The view, the quote and sale (discount, multiplier, nudge) and the receipt all read it
here, so a grant that lapses puts the member back at the earned tier with no event needed.

Grants come from the membership_grants table: one row per own membership_purchased event and at
most one row from head office's snapshot (replica_members keeps them apart by includes_seq).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from terminal import clock as clocks, membership, tiers
from terminal.services import reads
from terminal.services.context import Terminal


def earned_tier(t: Terminal, row: Any, spend_list: list[tiers.Spend], now: datetime) -> tuple[str, datetime]:
    """The stored tier with any retention drop that is due by now applied (whether or not
    maintain has run), so a member never shows a tier they have already lost."""
    tier, since = row["tier"], clocks.from_text(row["tier_since"])
    changes = tiers.retention(tier, since, spend_list, now, t.programme)
    if changes:
        return changes[-1].to_tier, changes[-1].at
    return tier, since


def grants(t: Terminal, member_id: str) -> tuple[membership.Grant, ...]:
    """Every paid period of the member and the ids merged into it, in start order."""
    ids = reads.member_ids(t, member_id)
    marks = ",".join("?" * len(ids))
    return tuple(
        membership.Grant(tier, clocks.from_text(starts), clocks.from_text(ends))
        for tier, starts, ends in t.store.conn.execute(
            f"SELECT tier, starts_at, ends_at FROM membership_grants WHERE member_id IN ({marks})"
            " ORDER BY starts_at, ends_at", ids)
    )


@dataclass(frozen=True)
class Standing:
    tier: str  # served at: the higher of the earned tier and any grant in force
    tier_since: datetime
    earned_tier: str
    earned_since: datetime
    paid_tier: str | None  # the tier of the paid period in force or bought ahead
    paid_until: datetime | None
    grants: tuple[membership.Grant, ...]

    @property
    def by_grant(self) -> bool:
        """The member is served at a paid tier above the earned one."""
        return self.tier != self.earned_tier


def of(t: Terminal, earned: str, since: datetime, grant_list: tuple[membership.Grant, ...],
       now: datetime) -> Standing:
    programme = t.programme
    served = membership.effective_tier(programme, earned, grant_list, now)
    served_since = since if served == earned else _paid_since(grant_list, now)
    until = membership.paid_until(grant_list, now)
    paid_tier = None
    if until is not None:
        paid_tier = max((g for g in grant_list if g.ends_at > now), key=lambda g: g.ends_at).tier
    return Standing(served, served_since, earned, since, paid_tier, until, grant_list)


def standing(t: Terminal, row: Any, spend_list: list[tiers.Spend], now: datetime) -> Standing:
    earned, since = earned_tier(t, row, spend_list, now)
    return of(t, earned, since, grants(t, row["member_id"]), now)


def status(t: Terminal, s: Standing, spend_list: list[tiers.Spend], now: datetime) -> tiers.TierStatus:
    """Spend, the next tier and the nudge from the tier served at. A paid tier has no retention
    anniversary and no risk (it is held by the fee until paid_until)."""
    st = tiers.status(s.tier, s.tier_since, spend_list, now, t.programme)
    if s.by_grant:
        st = dataclasses.replace(st, next_anniversary=None, retention_line_fen=None, at_risk=False)
    return st


def _paid_since(grant_list: tuple[membership.Grant, ...], now: datetime) -> datetime:
    """The start of the unbroken run of paid periods in force at `now`."""
    start = min(g.starts_at for g in grant_list if g.active(now))
    moved = True
    while moved:
        moved = False
        for g in grant_list:
            if g.starts_at < start <= g.ends_at:
                start, moved = g.starts_at, True
    return start
