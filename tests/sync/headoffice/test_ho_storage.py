"""The storage layer on both backends: migrations, transactions, the feed's commit order."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sync.headoffice import feed, schema
from sync.headoffice.db import ENV_DB, Database, default_url, text_array


def test_migrations_apply_once_and_seed_the_default_rules(fresh_db_url):
    db = Database(fresh_db_url)
    db.close()
    db = Database(fresh_db_url)  # again: nothing to do
    with db.read() as tx:
        assert schema.version(tx) == schema.LATEST
        assert tx.scalar("SELECT COUNT(*) AS n FROM schema_version") == len(schema.MIGRATIONS)
        assert tx.scalar("SELECT COUNT(*) AS n FROM rules WHERE active = 1") == 1
        assert tx.all("SELECT kind, key FROM feed") == [{"kind": "rules", "key": "active"}]
    db.close()


def test_a_newer_schema_is_refused(fresh_db_url):
    db = Database(fresh_db_url)
    with db.write() as tx:
        tx.execute("INSERT INTO schema_version(version, applied_at) VALUES (?, 'later')", (schema.LATEST + 1,))
    db.close()
    with pytest.raises(schema.SchemaTooNew):
        Database(fresh_db_url)


def test_a_failed_write_leaves_nothing(fresh_db_url):
    db = Database(fresh_db_url)
    with pytest.raises(RuntimeError):
        with db.write() as tx:
            feed.append(tx, "member", "m1")
            raise RuntimeError("boom")
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM feed WHERE kind = 'member'") == 0
    with db.write() as tx:  # the pooled connection is clean afterwards
        feed.append(tx, "member", "m2")
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM feed WHERE kind = 'member'") == 1
    db.close()


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(monkeypatch):
    monkeypatch.delenv(ENV_DB, raising=False)
    assert default_url().replace("\\", "/").endswith("pos-headoffice/headoffice.db")
    monkeypatch.setenv(ENV_DB, "postgresql://example/db")
    assert default_url() == "postgresql://example/db"


def test_sqlite_runs_in_wal_mode(tmp_path):
    db = Database(str(tmp_path / "ho.db"))
    with db.read() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "wal"
    db.close()


def test_postgres_feed_writers_commit_in_id_order(pg_cluster):
    """A second writer waits for the first's commit (advisory lock), so feed ids follow commit
    order and a reader of 'id > cursor' cannot skip a row that commits late."""
    db = Database(pg_cluster.new_database())
    order: list[str] = []
    a_inside = threading.Event()
    release_a = threading.Event()

    def writer_a() -> None:
        with db.write() as tx:
            feed.append(tx, "member", "a")
            a_inside.set()
            release_a.wait(10)
            order.append("a")  # recorded inside the transactions: after a commit, threads race

    def writer_b() -> None:
        with db.write() as tx:
            feed.append(tx, "member", "b")  # waits here until a has committed
            order.append("b")

    ta = threading.Thread(target=writer_a)
    ta.start()
    assert a_inside.wait(10)
    tb = threading.Thread(target=writer_b)
    tb.start()
    time.sleep(0.5)
    assert order == [] and tb.is_alive()  # b waits behind a's open transaction
    with db.read() as tx:
        assert feed.after(tx, 0, 10)[0][-1]["kind"] == "rules"  # a reader sees neither yet
    release_a.set()
    ta.join(10)
    tb.join(10)
    assert order == ["a", "b"]
    with db.read() as tx:
        rows = feed.after(tx, 0, 10)[0]
    assert [r["key"] for r in rows] == ["active", "a", "b"]
    db.close()


def test_postgres_dropped_pooled_connections_are_replaced(pg_cluster):
    import psycopg

    url = pg_cluster.new_database()
    db = Database(url)
    with db.read() as tx:
        tx.scalar("SELECT 1 AS x")
    with psycopg.connect(pg_cluster.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = %s AND pid <> pg_backend_pid()", (url.rsplit("/", 1)[1],))
    with db.write() as tx:
        feed.append(tx, "member", "after-restart")
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM feed WHERE key = 'after-restart'") == 1
    db.close()


# keys of every shape: plain ids, and what an array literal must quote or cannot hold unquoted
_KEYS = st.one_of(
    st.uuids().map(str),
    st.sampled_from(["NULL", "null", "", " ", "a,b", "{x}", 'say "hi"', "back\\slash", "张三", "+8613800138000",
                     "tab\there", "2026-11-22T10:00:00+08:00"]),
    # PostgreSQL text holds no NUL, and no key holds a lone surrogate (UTF-8 cannot: push refuses one)
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8))


def test_text_array_literal_is_used_only_for_plain_items():
    assert text_array(["a1", "b-2", "+86138", "2026-11-22T10:00:00+08:00", "张三"]) == \
        "{a1,b-2,+86138,2026-11-22T10:00:00+08:00,张三}"
    for awkward in (["a", None], ["a", ""], ["a,b"], ["NULL"], ["x", "null"], ['q"'], ["a b"], ["{a}"], ["\\"], [],
                    [1, 2]):
        assert text_array(awkward) is None, awkward


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stored=st.lists(_KEYS, max_size=12, unique=True), asked=st.lists(_KEYS, max_size=12))
@example(stored=["NULL", "a"], asked=["NULL", "a"])  # an unquoted NULL in a literal is no string
@example(stored=["a", "b", "a,b"], asked=["a,b"])  # nor is one item holding a comma
def test_lookups_by_a_list_of_keys_find_exactly_those_rows(fresh_db_url, stored, asked):
    """all_in / tuples_in / update_rows (PostgreSQL: one array parameter, a text[] literal when the
    keys allow one) find the rows whose key is in the list, whatever the keys hold."""
    db = Database(fresh_db_url)
    try:
        with db.write() as tx:
            tx.execute("DELETE FROM feed")
            tx.many("INSERT INTO feed(kind, key, created_at) VALUES (?, ?, ?)", [("probe", k, "t") for k in stored])
        with db.read() as tx:
            found = tx.all_in("SELECT key FROM feed WHERE kind = 'probe' AND key IN {in}", asked)
            found_tuples = tx.tuples_in("SELECT key FROM feed WHERE kind = 'probe' AND key IN {in}", asked)
        assert sorted(r["key"] for r in found) == sorted(k for k in stored if k in set(asked))
        assert sorted(r[0] for r in found_tuples) == sorted(k for k in stored if k in set(asked))
        with db.write() as tx:
            tx.update_rows("feed", "key", ["created_at"], [(f"at {k}", k) for k in asked])
        with db.read() as tx:
            rows = {r["key"]: r["created_at"] for r in tx.all("SELECT key, created_at FROM feed WHERE kind = 'probe'")}
        assert rows == {k: (f"at {k}" if k in set(asked) else "t") for k in stored}
    finally:
        db.close()


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_TEXT, st.none() | _TEXT, st.integers(min_value=-2**63, max_value=2**63 - 1)),
                     max_size=8))
@example(rows=[("a\tb\nc\\d", None, 0), ("张三\r\\N", "\\", -1), ("", "", 2**63 - 1)])  # COPY's text escapes
def test_rows_stored_in_copys_binary_format_are_the_rows_given(pg_cluster, rows):
    """insert_rows with the columns' types (PostgreSQL: COPY in binary) stores what it stores
    without them (COPY in text, which escapes tabs, newlines and backslashes), Nones as NULL."""
    db = Database(pg_cluster.new_database())
    try:
        with db.write() as tx:
            tx.execute("CREATE TABLE copied (a TEXT NOT NULL, b TEXT, n BIGINT NOT NULL, binary_format BOOLEAN)")
            tx.insert_rows("copied", ("a", "b", "n"), rows)
            tx.insert_rows("copied", ("a", "b", "n", "binary_format"), [(*r, True) for r in rows],
                           types=("text", "text", "bigint", "boolean"))
        with db.read() as tx:
            text_rows = tx.tuples("SELECT a, b, n FROM copied WHERE binary_format IS NULL ORDER BY a, b, n")
            binary_rows = tx.tuples("SELECT a, b, n FROM copied WHERE binary_format ORDER BY a, b, n")
        assert binary_rows == text_rows == sorted(rows, key=lambda r: (r[0], r[1] is None, r[1] or "", r[2]))
    finally:
        db.close()
