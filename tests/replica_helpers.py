"""Hand-built head office snapshots (the JSON of sync/protocol.py's MemberSnapshot) for tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storetime import at  # noqa: F401  (tests/sync import it from here)
from terminal import clock as clocks, lots


def points_json(state: lots.PointsState | None = None, *extra: lots.Lot) -> dict[str, Any]:
    """A PointsSnapshot dict from a fold state, plus extra lots (earned elsewhere)."""
    state = state or lots.PointsState()
    return {
        "lots": [
            {"lot_id": lot.lot_id, "earned_at": clocks.to_text(lot.earned_at),
             "expires_at": clocks.to_text(lot.expires_at), "points": lot.points, "remaining": lot.remaining}
            for lot in (*state.lots, *extra)
        ],
        "deficit": state.deficit,
        "flagged": state.flagged,
        "consumed": {k: [list(p) for p in v] for k, v in state.consumed.items()},
    }


def spend(ref_id: str, when: datetime, fen: int, terminal_id: str, purchase: bool = True) -> dict[str, Any]:
    return {"ref_id": ref_id, "occurred_at": clocks.to_text(when), "qualifying_fen": fen,
            "is_purchase": purchase, "terminal_id": terminal_id}


def member_snapshot(member_id: str, phone: str | None, registered: datetime, *, includes_seq: int = 0,
                    points: dict[str, Any] | None = None, spends: list[dict[str, Any]] | None = None,
                    coupons: list[dict[str, Any]] | None = None, cards: list[dict[str, Any]] | None = None,
                    aliases: list[str] | None = None, tier: str = "regular", name: str | None = "远方会员",
                    bonus_months: dict[str, int] | None = None, status: str = "active") -> dict[str, Any]:
    return {
        "member_id": member_id, "aliases": aliases or [], "phone": phone, "name": name, "birthday": None,
        "tier": tier, "tier_since": clocks.to_text(registered), "registered_at": clocks.to_text(registered),
        "status": status, "blacklist_reason": None, "includes_seq": includes_seq,
        "points": points or points_json(), "spends": spends or [], "coupons": coupons or [],
        "cards": cards or [], "bonus_months": bonus_months or {},
    }


def coupon(code: str, template: str, issued: datetime, valid_to: datetime, used_sale_id: str | None = None,
           used_at: datetime | None = None) -> dict[str, Any]:
    return {"code": code, "template": template, "issued_at": clocks.to_text(issued),
            "valid_from": clocks.to_text(issued), "valid_to": clocks.to_text(valid_to),
            "used_sale_id": used_sale_id, "used_at": clocks.to_text(used_at) if used_at else None}


def lot(lot_id: str, earned: datetime, points: int, programme: Any) -> lots.Lot:
    return lots.Lot(lot_id, earned, lots.expires_at(earned, programme), points, points)


def register(t: Any, actor: Any, number: str = "13812345678", when: datetime | None = None, **kw: Any) -> str:
    from terminal.services import members

    return members.register(t, actor, number, at=when, **kw).member_id


def buy(t: Any, actor: Any, member: str | None, when: datetime, *lines: tuple[Any, ...], redeem: int = 0,
        coupon: str | None = None) -> dict[str, Any]:
    from terminal.pricing import CartLine
    from terminal.services import checkout

    req = checkout.SaleRequest(lines=tuple(CartLine(*line) for line in lines), member=member, coupon=coupon,
                               redeem_points=redeem)
    return checkout.sale(t, actor, req, at=when).document
