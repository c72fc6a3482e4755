"""Paid memberships (付费会员) at head office: membership_purchased {tier, fee_fen, pay_method,
starts_at, ends_at} (aware ISO times, ends_at exclusive) is kept as a grant in `memberships`. The
member's tier is the higher of the earned tier and the tier of any grant in force
(terminal.membership.effective_tier, decided when a snapshot is read: it depends on the time); the
snapshot's paid_tier / paid_until are those of the grant ending last."""

from __future__ import annotations

from typing import Any

from sync.headoffice.batch import Batch, Quarantine
from sync.headoffice.staged import Staged
from sync.headoffice.timekeys import key, parse, text

_INT64 = 2**63 - 1


def _time(p: dict[str, Any], name: str) -> Any:
    try:
        return parse(p.get(name))
    except (ValueError, TypeError):
        raise Quarantine(f"{name} must be an ISO time with offset") from None


def purchased(st: Staged, ev: Any, batch: Batch, member: Any) -> None:
    """Check the grant (Quarantine) and stage its row; `member(st, ev, batch)` resolves the member."""
    p = ev.payload
    tier, fee = p.get("tier"), p.get("fee_fen")
    if not isinstance(tier, str) or not tier or len(tier) > 40:
        raise Quarantine("tier must be non-empty text")
    if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= _INT64:
        raise Quarantine("fee_fen must be an integer >= 0")
    starts, ends = _time(p, "starts_at"), _time(p, "ends_at")
    if ends <= starts:
        raise Quarantine("ends_at must be after starts_at")
    member(st, ev, batch)
    st.add_membership((ev.event_id, ev.member_id, tier, fee, text(starts), text(ends), key(ends), ev.terminal_id,
                       ev.seq))
