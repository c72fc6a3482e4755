"""Building blocks for service tests: members, sales and the ledger's point and stored-value deltas."""

from __future__ import annotations

import json
from datetime import datetime

from terminal import clock as clocks, lots, stored_value
from terminal.pricing import CartLine
from terminal.services import checkout, members
from terminal.services.context import Actor, Terminal


def register(t: Terminal, actor: Actor, number: str = "13812345678", when: datetime | None = None, **kw) -> str:
    return members.register(t, actor, number, at=when, **kw).member_id


def buy(t: Terminal, actor: Actor, member: str | None, when: datetime, *lines: tuple[str, int, int] | tuple[str, int],
        coupon: str | None = None, redeem: int = 0, pay: str = "cash") -> dict:
    cart = tuple(CartLine(*line) for line in lines)
    req = checkout.SaleRequest(lines=cart, member=member, coupon=coupon, redeem_points=redeem, pay_method=pay)
    return checkout.sale(t, actor, req, at=when).document


def ledger_points(t: Terminal, member_id: str) -> int:
    """The sum of the signed point deltas of the member's events: what the balance must equal."""
    total = 0
    for event_id, kind, occurred_at, payload in t.store.conn.execute(
        "SELECT event_id, kind, occurred_at, payload FROM events WHERE member_id = ? ORDER BY seq", (member_id,)
    ):
        event = lots.from_ledger(event_id, kind, clocks.from_text(occurred_at), json.loads(payload))
        if event is not None:
            total += event.delta
    return total


def ledger_stored_value(t: Terminal, member_id: str) -> int:
    """The sum of the member's stored-value events (credits +, spending -)."""
    rows = t.store.conn.execute("SELECT kind, payload FROM events WHERE member_id = ? ORDER BY seq", (member_id,))
    return stored_value.balance((kind, json.loads(payload)) for kind, payload in rows)


def event_count(t: Terminal) -> int:
    return int(t.store.scalar("SELECT COUNT(*) FROM events"))
