"""A pull page applied set-wise (services/replica_bulk.py) ends exactly as its changes applied one at
a time, each in its savepoint (apply_page before): ordinary snapshots, a merge, an erasure, own newer
profile and tier events, a phone another member holds or hands over within the page, paid periods,
stored value, one member twice, and broken changes (skipped alone, whether Python or SQLite finds
them)."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import pytest

from replica_helpers import coupon, member_snapshot, spend
from storetime import at
from svc_helpers import buy, register
from terminal import clock as clocks
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import card_service, privacy, replica, replica_bulk
from terminal.services.context import Terminal, open_terminal

OTHER = "0190a0a0-0000-7000-8000-000000000001"
TABLES = {
    "members": "SELECT rowid, * FROM members ORDER BY member_id",
    "spends": "SELECT member_id, occurred_at, qualifying_fen, is_purchase, ref_id, seq, origin FROM spends"
              " ORDER BY member_id, rowid",
    "coupons": "SELECT * FROM coupons ORDER BY code",
    "cards": "SELECT * FROM cards ORDER BY card_id",
    "bonus_months": "SELECT * FROM bonus_months ORDER BY member_id, month",
    "member_snapshots": "SELECT * FROM member_snapshots ORDER BY member_id",
    "membership_grants": "SELECT * FROM membership_grants ORDER BY grant_id",
    "lot_index": "SELECT * FROM lot_index ORDER BY lot_id",
    "events": "SELECT * FROM events ORDER BY seq",
    "settings": "SELECT * FROM settings ORDER BY key",
}


def _one_by_one(t: Terminal, changes: list[dict[str, Any]], cursor: int) -> list[Any]:
    """apply_page as it was: every change in its own savepoint."""
    skipped = []
    with t.store.write() as conn:
        for change in changes:
            conn.execute("SAVEPOINT pulled_change")
            try:
                replica.apply_change(t, change)
            except (PosError, KeyError, TypeError, ValueError, sqlite3.IntegrityError):
                conn.execute("ROLLBACK TO pulled_change")
                skipped.append(change.get("id"))
            conn.execute("RELEASE pulled_change")
        replica.set_pull_cursor(t, cursor)
    return skipped


def _copy(t: Terminal, path: Any, clock: Any) -> Terminal:
    path.mkdir()
    target = sqlite3.connect(path / "terminal.db")
    t.store.conn.backup(target)  # page by page: the same rowids
    target.close()
    return open_terminal(path, clock)


def _tables(t: Terminal) -> dict[str, list[tuple[Any, ...]]]:
    return {name: [tuple(r) for r in t.store.conn.execute(sql)] for name, sql in TABLES.items()}


def _text(moment: datetime) -> str:
    return clocks.to_text(moment)


def _page(term: Terminal, admin: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Local members in every situation, and a page of snapshots for them and for new members."""
    start = at("2026-10-01 09:00")
    held = register(term, admin, "13800000001", start)            # holds a phone a pulled member has too
    card = card_service.issue(term, admin, held, at=at("2026-10-01 09:05"))
    moving = register(term, admin, "13800000002", start)          # hands its phone over in the page
    late = register(term, admin, "13800000003", start)            # wants a phone moving gives up later
    renamed = register(term, admin, "13800000004", start)         # an own newer profile event
    upgraded = register(term, admin, "13800000005", start)        # an own newer tier change
    alias = register(term, admin, "13800000006", start)           # merged into a member from elsewhere
    erased = register(term, admin, "13800000007", start)          # erased at head office
    paid = register(term, admin, "13800000008", start)            # a paid period raises its tier
    sale = buy(term, admin, held, at("2026-10-02 10:00"), ("general", 30000))
    included = int(term.store.scalar("SELECT MAX(seq) FROM events"))
    privacy.update_profile(term, admin, renamed, name="新名字", at=at("2026-10-03 09:00"))
    buy(term, admin, upgraded, at("2026-10-03 10:00"), ("general", 200000))  # silver here, not yet there

    def snap(member_id: str, phone: str | None, **kw: Any) -> dict[str, Any]:
        extra = {k: kw.pop(k) for k in list(kw) if k not in ("spends", "coupons", "cards", "aliases", "tier",
                                                             "bonus_months", "status", "name")}
        return {**member_snapshot(member_id, phone, start, includes_seq=included, **kw), **extra}

    new = [new_id() for _ in range(6)]
    canonical = new_id()
    week = [spend(new_id(), at("2026-10-05 10:00"), 12000, OTHER),
            spend(new_id(), at("2026-10-06 11:00"), -2000, OTHER, False)]
    own_sale = spend(sale["sale_id"], at("2026-10-02 10:00"), sale["payable_fen"], term.terminal_id)
    bad_coupon = {**coupon("BULKB1", "WELCOME", start, start), "valid_to": "not a time"}
    docs = [
        snap(new[0], "+8613900000001", spends=week, bonus_months={"2026-10": 100}, stored_value_fen=5000,
             coupons=[coupon("BULKA1", "WELCOME", at("2026-10-01 09:00"), at("2026-12-31 00:00"))]),
        snap(held, "+8613800000001", bonus_months={"2026-10": 30}, spends=[own_sale],
             cards=[{"card_id": card.card_id, "key_id": term.device_key().key_id, "payload": card.payload,
                     "issued_at": _text(at("2026-10-01 09:05")), "revoked_at": _text(at("2026-10-04 09:00"))}]),
        snap(new[1], "+8613800000001"),                             # held by `held`: waits without it
        snap(late, "+8613800000002"),                              # `moving` holds it until further down
        snap(moving, "+8613800000010", paid_tier=None, paid_until=None),
        snap(new[2], "+8613800000002", tier="gold", paid_tier="gold", paid_until="2026-12-31T00:00:00Z",
             spends=week),                                          # raised, new here: earned from spends
        {"tier": "regular"},                                       # broken: no member id
        snap(renamed, "+8613800000004", name="旧名字"),
        snap(upgraded, "+8613800000005"),
        snap(paid, "+8613800000008", tier="gold", paid_tier="gold", paid_until="2026-12-31T00:00:00Z"),
        snap(new[3], "+8613900000003", earned_tier="silver", earned_since="2026-10-04T02:00:00Z",
             tier="gold", paid_tier="gold", paid_until="2026-12-30T16:00:00Z", paid_since="2026-10-04T02:00:00Z"),
        snap(new[4], "+8613900000004", coupons=[bad_coupon]),      # broken: Python finds it
        snap(canonical, "+8613800000006", aliases=[alias, new_id()], spends=week),
        snap(erased, None, name=None, status="erased"),
        snap(new[5], "+8613900000005", cards=[{"card_id": new_id(), "key_id": "k", "payload": card.payload,
                                               "issued_at": _text(start), "revoked_at": None}]),  # SQLite: taken
        snap(new[0], "+8613900000001", spends=[*week, spend(new_id(), at("2026-10-07 10:00"), 500, OTHER)],
             bonus_months={"2026-10": 100, "2026-11": 50}, stored_value_fen=None),  # the same member again
        {"tier": "regular", "member_id": new_id()},                # broken: no registered_at
    ]
    page = [{"id": i + 1, "kind": "member", "member": d, "terminal_key": None, "rules": None}
            for i, d in enumerate(docs)]
    page.insert(9, {"id": 100, "kind": "terminal_key", "member": None, "terminal_key": {"key_id": "x"},
                    "rules": None})
    return page, {"late": late, "waits": new[1], "takes": new[2]}


def test_a_page_applied_set_wise_ends_as_one_change_at_a_time(term, admin, clock, tmp_path, monkeypatch):
    page, who = _page(term, admin)
    reference = _copy(term, tmp_path / "reference", clock)
    bulk_sizes: list[int] = []
    write = replica_bulk._write

    def spy(t: Any, segment: list[Any], *args: Any) -> None:
        write(t, segment, *args)
        bulk_sizes.append(len(segment))  # written set-wise (not rolled back)

    monkeypatch.setattr(replica_bulk, "_write", spy)
    skipped = replica.apply_page(term, page, 7)
    expected = _one_by_one(reference, page, 7)
    assert [s["id"] for s in skipped] == expected == [7, 100, 12, 15, 17]
    assert [s["code"] for s in skipped] == ["input_invalid", "input_invalid", "ValueError", "IntegrityError",
                                            "KeyError"]
    assert _tables(term) == _tables(reference)
    assert sum(bulk_sizes) >= 6 and max(bulk_sizes) >= 3  # most of the page went set-wise
    phone = dict(term.store.conn.execute("SELECT member_id, phone FROM members"))
    assert phone[who["waits"]] is None and phone[who["late"]] is None  # held by another member at its turn
    assert phone[who["takes"]] == "+8613800000002"  # handed over further up the page
    reference.store.close()


def test_the_same_snapshots_one_per_page_or_all_in_one_page(term, admin, clock, tmp_path):
    page = [c for c in _page(term, admin)[0] if c["kind"] == "member"]
    reference = _copy(term, tmp_path / "reference", clock)
    skipped = replica.apply_page(term, page, 1)
    for change in page:
        replica.apply_page(reference, [change], 1)
    assert _tables(term) == _tables(reference)
    assert [s["id"] for s in skipped] == [7, 12, 15, 17]
    reference.store.close()


@pytest.mark.parametrize("status", [None, "active"])
def test_plain_member_is_judged_on_the_snapshot(status):
    snap = member_snapshot("m1", "+8613800000001", at("2026-10-01 09:00"))
    if status is None:
        snap.pop("status")
    change = {"id": 1, "kind": "member", "member": snap}
    assert replica_bulk.plain_member(change) == "m1"
    assert replica_bulk.plain_member({**change, "member": {**snap, "aliases": ["m1"]}}) == "m1"
    assert replica_bulk.plain_member({**change, "member": {**snap, "aliases": ["m2"]}}) is None
    assert replica_bulk.plain_member({**change, "member": {**snap, "status": "erased"}}) is None
    assert replica_bulk.plain_member({**change, "member": {**snap, "phone": 8613800000001}}) is None
    assert replica_bulk.plain_member({**change, "member": {**snap, "member_id": ""}}) is None
    assert replica_bulk.plain_member({**change, "kind": "rules"}) is None
