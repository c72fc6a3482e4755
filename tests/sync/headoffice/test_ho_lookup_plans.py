"""PostgreSQL: the projector's chunks and a pull's pages look their keys up by index, never by reading
a whole table (db.Tx.plan_for_lookups). A head office's projection tables grow from nothing to
100,000s of rows between two autovacuum ANALYZEs; without statistics the planner takes
`member_id = ANY(500 ids)` for every row and scans the table, once per statement, for every chunk
and every page: a catch-up on the sync benchmark read 1.9 million spends rows so.

Counted with pg_stat_xact_user_tables (what this connection did and has not reported yet) at the
start and the end of the transaction that did the reads, on tables that were never analyzed (a
fresh database, pushed and applied within the test)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from typing import Any

import pytest

from ho_client import Till, at, random_phone
from sync import protocol
from sync.headoffice import auth, enroll, ingest, projector, pull, settle
from sync.headoffice.db import Database

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
MEMBERS = 600
# tables with rows per member or per event: looked up by key, never read whole
KEYED = {"events", "members", "member_aliases", "spends", "coupons", "coupon_uses", "cards", "bonus_months",
         "tier_history", "memberships", "conflicts", "quarantined", "feed", "projected_seqs"}
SEQ_SCANNED = "SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE seq_scan > 0"


def _seq_scans(tx: Any) -> dict[str, int]:
    return {r["relname"]: int(r["seq_scan"]) for r in tx.all(SEQ_SCANNED)}


def _more(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The tables scanned whole in between."""
    return {t for t, n in after.items() if n > before.get(t, 0)}


@pytest.fixture
def db(pg_cluster: Any) -> Any:
    database = Database(pg_cluster.new_database())
    yield database
    database.close()


def _store(db: Database, till: Till, events: list[dict[str, Any]]) -> None:
    """Stored as pushes store them (ingest), not applied."""
    for start in range(0, len(events), protocol.MAX_PUSH):
        who = auth.Authenticated(till.terminal_id, "store", secrets.token_hex(16), int(NOW.timestamp()))
        body = {"events": events[start:start + protocol.MAX_PUSH]}
        ingest.push(db, who, json.dumps(body, ensure_ascii=False).encode(), NOW)


def _scene(db: Database) -> tuple[Till, list[str]]:
    """MEMBERS members with a sale and points each, applied; then a second visit each, stored."""
    till = Till("http://127.0.0.1:9")  # builds events only: they are stored here, not sent
    code = enroll.create_code(db, "一号店", NOW).code
    enroll.enroll(db, protocol.EnrollRequest(code=code, terminal_id=till.terminal_id, public_key=till.public_hex), NOW)
    members = [till.register(random_phone(), at(i)) for i in range(MEMBERS)]
    for i, member in enumerate(members):
        till.sale(member, 10_000 + i, at(MEMBERS + i))
        till.earn(member, 100, at(MEMBERS + i))
    _store(db, till, till.log)
    projector.catch_up(db, NOW)
    sent = len(till.log)
    for i, member in enumerate(members):
        till.sale(member, 20_000 + i, at(3 * MEMBERS + i))
        till.earn(member, 200, at(3 * MEMBERS + i))
        if i % 3 == 0:
            till.redeem(member, 100, at(3 * MEMBERS + i))
    _store(db, till, till.log[sent:])
    return till, members


def test_a_projector_chunk_reads_the_projection_tables_by_index(db, monkeypatch):
    _scene(db)
    counts: list[dict[str, int]] = []
    real_upto, real_settle = projector.applied_upto, settle.settle

    def upto_after_counting(tx: Any) -> int:  # the chunk's first read
        counts.append(_seq_scans(tx))
        return real_upto(tx)

    def settle_and_count(tx: Any, batch: Any) -> Any:  # its last
        touched = real_settle(tx, batch)
        counts.append(_seq_scans(tx))
        return touched

    monkeypatch.setattr(projector, "applied_upto", upto_after_counting)
    monkeypatch.setattr(settle, "settle", settle_and_count)
    assert projector.project_chunk(db, NOW, 5_000) == MEMBERS * 2 + MEMBERS // 3
    assert len(counts) == 2
    scanned = _more(*counts)
    assert not scanned & KEYED, f"read whole: {scanned}"
    with db.read() as tx:  # the chunk applied what it read: each member's two visits
        assert tx.scalar("SELECT COUNT(*) AS n FROM spends") == 2 * MEMBERS


def test_a_pull_page_reads_the_projection_tables_by_index(db):
    till, members = _scene(db)
    projector.catch_up(db, NOW)
    with db.read() as tx:
        before = _seq_scans(tx)
        doc = pull.page(tx, till.terminal_id, 0, 500, NOW)
        scanned = _more(before, _seq_scans(tx))
    assert not scanned & KEYED, f"read whole: {scanned}"
    got = [c["member"] for c in doc["changes"] if c["kind"] == "member"]
    assert len(got) > 400 and doc["more"]  # the page also holds the rules and the till's key
    first = next(m for m in got if m["member_id"] == members[0])  # redeemed 100 of its 300
    assert sum(lot["remaining"] for lot in first["points"]["lots"]) == 200
    assert [s["qualifying_fen"] for s in first["spends"]] == [10_000, 20_000]


def _plan(tx: Any, ids: list[str]) -> str:
    """EXPLAIN of a prepared key lookup run with `ids`: a generic plan names its parameter ($1), a
    custom plan the values it was made for."""
    array = "ARRAY[" + ",".join(f"'{i}'" for i in ids) + "]"  # the test's own ids: no quotes inside
    rows = tx.all(f"EXPLAIN (COSTS OFF) EXECUTE lookup({array})")
    return "\n".join(str(next(iter(r.values()))) for r in rows)


def test_a_lookup_transaction_plans_each_statement_once_and_leaves_the_connection_as_it_was(db):
    """Inside a transaction planned for lookups, a prepared statement keeps one generic plan, made
    with seq scans off (a chunk runs the same few statements for thousands of keys, and planning
    each call cost PostgreSQL 0.25 s a catch-up); every other transaction on that connection
    plans each call for its parameters again (db.Database._connect: a generic plan made while a
    table was small scanned the whole table later)."""
    _scene(db)
    ids = ["01a205f7-0000-7000-8000-00000000000%d" % i for i in range(3)]
    with db.read() as tx:
        pid = tx.scalar("SELECT pg_backend_pid() AS p")
        tx.execute("PREPARE lookup(text[]) AS SELECT member_id FROM members WHERE member_id = ANY($1)")
        tx.plan_for_lookups()
        inside = _plan(tx, ids)
        settings = tx.one("SELECT current_setting('plan_cache_mode') AS mode, current_setting('enable_seqscan') AS seq")
    with db.read() as tx:
        assert tx.scalar("SELECT pg_backend_pid() AS p") == pid  # the same pooled connection
        outside = _plan(tx, ids)
        after = tx.one("SELECT current_setting('plan_cache_mode') AS mode, current_setting('enable_seqscan') AS seq")
        tx.execute("DEALLOCATE lookup")
    assert settings == {"mode": "force_generic_plan", "seq": "off"}
    assert "$1" in inside and "Seq Scan" not in inside, inside
    assert after == {"mode": "force_custom_plan", "seq": "on"}
    assert "$1" not in outside and ids[0] in outside, outside
