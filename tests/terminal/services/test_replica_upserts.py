"""A pulled snapshot rewrites a member's, coupon's or card's row only where it changes it: a page
that repeats what the terminal holds (a catch-up's pages, mostly) updates none of them, and each
field a snapshot changes still reaches the row, a use or a revocation the terminal knows still
standing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from replica_helpers import coupon, member_snapshot
from storetime import at
from terminal.ids import new_id
from terminal.services import replica

REGISTERED = at("2026-10-01 09:00")


def _card(card_id: str, revoked: str | None = None) -> dict[str, Any]:
    return {"card_id": card_id, "key_id": "k1", "payload": f"PAYLOAD-{card_id}",
            "issued_at": "2026-10-01T09:05:00.000000+08:00", "revoked_at": revoked}


def _snapshot() -> dict[str, Any]:
    snap = member_snapshot(new_id(), "+8613900000001", REGISTERED,
                           coupons=[coupon("C1", "welcome", REGISTERED, at("2026-12-31 23:59"))],
                           cards=[_card("card-1")])
    snap["member_id"] = "0190a0a0-0000-7000-8000-0000000000aa"
    return snap


def _counting(t: Any) -> Any:
    """Counts the UPDATEs that reach members, coupons and cards (temporary triggers)."""
    conn = t.store.conn
    conn.execute("CREATE TEMP TABLE updated(tbl TEXT)")
    for table in ("members", "coupons", "cards"):
        conn.execute(f"CREATE TEMP TRIGGER count_{table} AFTER UPDATE ON main.{table}"
                     f" BEGIN INSERT INTO updated VALUES ('{table}'); END")

    def counts() -> dict[str, int]:
        found = dict(conn.execute("SELECT tbl, COUNT(*) FROM updated GROUP BY tbl").fetchall())
        conn.execute("DELETE FROM updated")
        return {table: found.get(table, 0) for table in ("members", "coupons", "cards")}
    return counts


def _apply(t: Any, snap: dict[str, Any], cursor: int) -> None:
    assert replica.apply_page(t, [{"id": cursor, "kind": "member", "member": snap}], cursor) == []


def test_a_page_that_repeats_what_the_terminal_holds_rewrites_nothing(term):
    snap = _snapshot()
    _apply(term, snap, 1)
    counts = _counting(term)
    _apply(term, copy.deepcopy(snap), 2)
    assert counts() == {"members": 0, "coupons": 0, "cards": 0}
    assert replica.pull_cursor(term) == 2


@pytest.mark.parametrize("change, table, column, want", [
    (lambda s: s.update(name="新名字"), "members", "name", "新名字"),
    (lambda s: s.update(phone="+8613900000002"), "members", "phone", "+8613900000002"),
    (lambda s: s.update(tier="gold"), "members", "tier", "gold"),
    (lambda s: s.update(birthday="1990-05-01"), "members", "birthday", "1990-05-01"),
    (lambda s: s.update(registered_at="2026-09-30T09:00:00.000000+08:00"), "members", "registered_at",
     "2026-09-30T09:00:00.000000+08:00"),
    (lambda s: s["coupons"][0].update(template="birthday"), "coupons", "template", "birthday"),
    (lambda s: s.update(status="blacklisted", blacklist_reason="套现"), "members", "blacklist_reason", "套现"),
    (lambda s: s["coupons"][0].update(valid_to="2027-01-31T23:59:00.000000+08:00"), "coupons", "valid_to",
     "2027-01-31T23:59:00.000000+08:00"),
    (lambda s: s["coupons"][0].update(used_sale_id="sale-9", used_at="2026-11-01T10:00:00.000000+08:00"),
     "coupons", "used_sale_id", "sale-9"),
    (lambda s: s["cards"][0].update(revoked_at="2026-11-01T10:00:00.000000+08:00"), "cards", "revoked_at",
     "2026-11-01T10:00:00.000000+08:00"),
])
def test_each_changed_field_reaches_its_row(term, change, table, column, want):
    snap = _snapshot()
    _apply(term, snap, 1)
    counts = _counting(term)
    changed = copy.deepcopy(snap)
    change(changed)
    _apply(term, changed, 2)
    assert counts()[table] == 1
    key = {"members": "member_id", "coupons": "code", "cards": "card_id"}[table]
    ident = {"members": snap["member_id"], "coupons": "C1", "cards": "card-1"}[table]
    assert term.store.scalar(f"SELECT {column} FROM {table} WHERE {key} = ?", (ident,)) == want


def test_a_use_or_revocation_the_terminal_knows_stands_and_is_not_rewritten(term):
    snap = _snapshot()
    snap["coupons"][0].update(used_sale_id="sale-1", used_at="2026-11-01T10:00:00.000000+08:00")
    snap["cards"][0]["revoked_at"] = "2026-11-01T10:00:00.000000+08:00"
    _apply(term, snap, 1)
    counts = _counting(term)
    older = copy.deepcopy(snap)  # head office has not heard of either yet
    older["coupons"][0].update(used_sale_id=None, used_at=None)
    older["cards"][0]["revoked_at"] = None
    _apply(term, older, 2)
    assert counts() == {"members": 0, "coupons": 0, "cards": 0}
    assert term.store.scalar("SELECT used_sale_id FROM coupons WHERE code = 'C1'") == "sale-1"
    assert term.store.scalar("SELECT revoked_at FROM cards WHERE card_id = 'card-1'") is not None
