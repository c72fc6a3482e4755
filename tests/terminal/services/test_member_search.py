"""The manager's member search: every result satisfies the query and the filters (checked against a
plain reading of the store, hypothesis), erased members and merged aliases are never listed, exact
queries never scan the members table, and only a manager may search."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import event, given, settings, strategies as st

from storetime import at
from svc_helpers import buy, register
from terminal import clock as clocks, lifecycle as lifecycles
from terminal.clock import FixedClock
from terminal.errors import PosError
from terminal.services import card_service, member_search, privacy, setup
from terminal.services.context import Actor, Terminal, open_terminal

ADMIN = Actor("admin", "admin", "管理员")
NAMES = ["张伟", "张伟伟", "李张", "王芳", "Zhang Wei", "zhang san", "100%纯", "a_b", "欧阳娜娜", None]
START = at("2025-06-01 10:00")


def _phone(i: int) -> str:
    """Some members share the last 4 digits (5678), some a prefix (1381234)."""
    return f"1381234{i:04d}" if i % 3 else f"13{i % 7 + 3}{i:04d}5678"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Terminal:
    """~30 members: purchases spread over 18 months, tiers reached by spend, some blacklisted, two
    erased, one merged into another by head office."""
    folder: Path = tmp_path_factory.mktemp("search")
    t = open_terminal(folder / "data", FixedClock(at("2026-11-02 10:00")))
    setup.init(t, store_name="搜索门店", admin_pin="1234", at=START)
    ids = []
    for i in range(30):
        ids.append(register(t, ADMIN, _phone(i), START + timedelta(hours=i), name=NAMES[i % len(NAMES)]))
    for i, member_id in enumerate(ids):
        for k in range(i % 4):
            when = START + timedelta(days=(i * 37 + k * 101) % 520, hours=3)
            buy(t, ADMIN, member_id, when, ("general", 80000 * (1 + i % 5)))
    for i in (4, 11, 17):
        privacy.blacklist(t, ADMIN, ids[i], "多次恶意退货", at=START + timedelta(days=5))
    for i in (6, 23):
        privacy.erase(t, ADMIN, ids[i], "本人要求注销", at=START + timedelta(days=6))
    with t.store.write() as conn:  # head office merged member 9 into member 8 (an alias row stays)
        conn.execute("UPDATE members SET merged_into = ? WHERE member_id = ?", (ids[8], ids[9]))
    t.ids = ids  # type: ignore[attr-defined]
    card_service.issue(t, ADMIN, ids[2], at=START + timedelta(days=1))
    yield t
    t.store.close()


def _oracle(t: Terminal, q: str, tier: str | None, lifecycle: str | None, status: str | None,
            now: datetime) -> dict[str, dict]:
    """The members a search must list, read plainly (no SQL cleverness)."""
    kind = member_search.query_kind(q)
    if kind == "id":  # an alias id names the member it was merged into
        q = t.store.scalar("SELECT COALESCE(merged_into, member_id) FROM members WHERE member_id = ?", (q,)) or q
    out = {}
    for r in t.store.all("SELECT * FROM members"):
        if r["status"] == "erased" or r["merged_into"] is not None:
            continue
        buys = [clocks.from_text(x[0]) for x in t.store.conn.execute(
            "SELECT occurred_at FROM spends WHERE member_id = ? AND is_purchase = 1", (r["member_id"],))]
        stage = lifecycles.lifecycle(buys, now, t.programme)
        phone, name = r["phone"] or "", r["name"] or ""
        matches = {
            "all": True,
            "last4": phone[-4:] == q,
            "phone": phone == "+86" + q.replace(" ", ""),
            "phone_prefix": phone.startswith("+86" + q),
            "name": q.lower() in name.lower(),
            "id": r["member_id"] == q,
        }[kind]
        if matches and tier in (None, r["tier"]) and status in (None, r["status"]) and lifecycle in (None, stage):
            out[r["member_id"]] = {"tier": r["tier"], "status": r["status"], "lifecycle": stage}
    return out


QUERIES = ["", "5678", "张", "张伟", "伟", "zhang", "WEI", "138", "1381234", "13812340001", "%", "_", "a_b",
           "纯", "nobody", "0005"]


@settings(max_examples=150, deadline=None)
@given(
    q=st.sampled_from(QUERIES) | st.integers(0, 29).map(lambda i: "id:" + str(i)),
    tier=st.sampled_from([None] * 4 + ["regular", "silver", "gold", "diamond"]),
    lifecycle=st.sampled_from([None] * 4 + list(member_search.LIFECYCLES)),
    status=st.sampled_from([None] * 2 + list(member_search.STATUSES)),
    days=st.integers(0, 620),
    limit=st.integers(1, 40),
)
def test_results_always_satisfy_the_query_and_every_filter(store, q, tier, lifecycle, status, days, limit):
    if q.startswith("id:"):
        q = store.ids[int(q[3:])]
    now = START + timedelta(days=days, hours=1)
    found = member_search.search(store, ADMIN, q, tier=tier, lifecycle=lifecycle, status=status, limit=limit, at=now)
    expected = _oracle(store, q, tier, lifecycle, status, now)
    ids = [r["member_id"] for r in found]
    event("some found" if found else "none found")
    assert len(ids) == len(set(ids)) == min(limit, len(expected))
    for r in found:
        assert r["member_id"] in expected
        assert {k: r[k] for k in ("tier", "status", "lifecycle")} == expected[r["member_id"]]
    if member_search.query_kind(q) == "name":  # names starting with the query come first
        starts = [(r["name"] or "").lower().startswith(q.lower()) for r in found]
        assert starts == sorted(starts, reverse=True)


def test_each_kind_of_query(store):
    ids = store.ids
    by = lambda q, **kw: [r["member_id"] for r in member_search.search(store, ADMIN, q, **kw)]  # noqa: E731
    assert member_search.query_kind("PM1.abc") == "card"
    assert by("138 1234 0001") == [ids[1]]
    assert by("+86 138-1234-0001") == [ids[1]]
    assert set(by("5678")) == {ids[i] for i in range(0, 30, 3) if i not in (6, 9)}  # 6 erased, 9 merged
    assert by(ids[9]) == [ids[8]]  # an alias id finds the member it was merged into
    card = store.store.scalar("SELECT payload FROM cards WHERE member_id = ?", (ids[2],))
    assert by(card) == [ids[2]]
    # the exact name first (by registration), then names starting with it, then names holding it
    assert by("张伟") == [ids[0], ids[10], ids[20], ids[1], ids[11], ids[21]]
    assert set(by("100%")) == {ids[16], ids[26]}  # % and _ are literal, not wildcards
    assert all("%" in (r["name"] or "") for r in member_search.search(store, ADMIN, "%"))
    assert all("_" in (r["name"] or "") for r in member_search.search(store, ADMIN, "_"))
    row = member_search.search(store, ADMIN, "13812340001")[0]
    assert row["phone"] == "+8613812340001" and row["phone_masked"] == "138****0001"
    assert set(row) >= {"name", "tier", "lifecycle", "points_balance", "registered_at", "status"}


def test_erased_members_and_aliases_are_never_listed(store):
    ids = store.ids
    everyone = {r["member_id"] for r in member_search.search(store, ADMIN, limit=1000)}
    assert ids[6] not in everyone and ids[23] not in everyone and ids[9] not in everyone
    assert len(everyone) == 27
    assert member_search.search(store, ADMIN, ids[6]) == []
    assert ids[23] not in {r["member_id"] for r in member_search.search(store, ADMIN, "王芳")}
    assert {r["member_id"] for r in member_search.search(store, ADMIN, "王芳")} == {ids[3], ids[13]}


def test_exact_queries_read_indexes_only(store):
    """A phone, last 4, card, id or phone prefix never scans the members table."""
    card = store.store.scalar("SELECT payload FROM cards WHERE revoked_at IS NULL LIMIT 1")
    conn = store.store.conn
    for q in ("5678", "13812340001", card, store.ids[3], "1381234"):
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        try:
            member_search.search(store, ADMIN, q)
        finally:
            conn.set_trace_callback(None)
        plans = [row[3] for s in statements if s.lstrip().upper().startswith("SELECT") and "members" in s
                 for row in conn.execute("EXPLAIN QUERY PLAN " + s)]
        assert plans and not [p for p in plans if p.startswith("SCAN")], (q, plans)


def test_only_a_manager_searches_and_filters_are_checked(store):
    with pytest.raises(PosError) as exc:
        member_search.search(store, Actor("c1", "cashier"), "5678")
    assert exc.value.code == "forbidden"
    for bad in ({"tier": "platinum"}, {"lifecycle": "sleepy"}, {"status": "erased"}, {"limit": 0},
                {"limit": 5000}, {"text": "x" * 500}):
        with pytest.raises(PosError) as exc:
            member_search.search(store, ADMIN, **bad)
        assert exc.value.code == "input_invalid"


def test_a_revoked_or_forged_card_says_so(store):
    old = card_service.issue(store, ADMIN, store.ids[5], at=START + timedelta(days=2)).payload
    card_service.issue(store, ADMIN, store.ids[5], at=START + timedelta(days=3))
    with pytest.raises(PosError) as exc:
        member_search.search(store, ADMIN, old)
    assert exc.value.code == "card_revoked"
    body, sig = old.rsplit(".", 1)
    with pytest.raises(PosError) as exc:
        member_search.search(store, ADMIN, body + "." + ("A" if sig[0] != "A" else "B") + sig[1:])
    assert exc.value.code in ("card_forged", "card_revoked")
