"""SQLite head office in two files (db.py): what pushes write (events, nonces, acks) in the ingest
file, the projections in the main one. A push never waits for a projector transaction, nor the
projector for a push; a database of one file (before schema v4) is split on opening without losing
or doubling a row, even when the split was stopped half-way; an erasure's scrub of the stored
events, done after the projector's transaction, is finished by the next catch-up."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from sync.headoffice import feed, members, projector, schema
from sync.headoffice.db import Database, ingest_path

NOW = "2026-11-23T02:00:00.000000+00:00"


def _nonce(tx, n: int) -> None:
    tx.execute("INSERT INTO nonces(terminal_id, nonce, ts) VALUES (?, ?, ?)", ("t1", f"n{n}", 1))


def test_a_push_does_not_wait_for_a_projector_transaction(tmp_path):
    path = str(tmp_path / "ho.db")
    projector_side, server_side = Database(path), Database(path)  # two processes' connections
    holding, release = threading.Event(), threading.Event()

    def projector_chunk() -> None:
        with projector_side.write(only="main") as tx:
            feed.append(tx, "member", "m1")
            holding.set()
            release.wait(20)

    chunk = threading.Thread(target=projector_chunk)
    chunk.start()
    try:
        assert holding.wait(10)
        started = time.monotonic()
        with server_side.write(only="ingest") as tx:  # a push, while the chunk holds the main file
            _nonce(tx, 1)
        assert time.monotonic() - started < 2.0
        assert chunk.is_alive()  # the chunk was still open: the push did not wait for it

        both_done = threading.Event()

        def both_files() -> None:  # e.g. a migration: it waits for the chunk
            with server_side.write() as tx:
                _nonce(tx, 2)
            both_done.set()

        other = threading.Thread(target=both_files)
        other.start()
        assert not both_done.wait(0.5)
    finally:
        release.set()
        chunk.join(20)
    other.join(20)
    assert both_done.is_set()
    with server_side.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM nonces") == 2
        assert tx.scalar("SELECT COUNT(*) AS n FROM feed WHERE key = 'm1'") == 1
    projector_side.close()
    server_side.close()


def _one_file_v3(path: Path) -> None:
    """A database as schema v3 left it: one file, a quarantined event, an acked seq."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE schema_version (version BIGINT NOT NULL, applied_at TEXT NOT NULL)")
    for number, script in schema.MIGRATIONS[:3]:
        conn.executescript(script.replace("{ID}", "INTEGER PRIMARY KEY AUTOINCREMENT"))
        conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, NOW))
    conn.execute("INSERT INTO stores VALUES ('s1', '一号店', ?)", (NOW,))
    conn.execute("INSERT INTO terminals(terminal_id, store_id, public_key, key_id, enrolled_at, acked_seq,"
                 " last_seen_at) VALUES ('t1', 's1', 'pk', 'k1', ?, 3, ?)", (NOW, NOW))
    for seq, status, reason in ((1, "stored", None), (2, "quarantined", "unknown member"), (3, "stored", None)):
        conn.execute("INSERT INTO events(event_id, terminal_id, seq, kind, occurred_at, occurred_key, member_id,"
                     " payload, body_hash, status, reason, received_at) VALUES (?, 't1', ?, 'note', ?, ?, 'm1',"
                     " '{}', 'h', ?, ?, ?)", (f"e{seq}", seq, NOW, NOW[:26], status, reason, NOW))
    conn.execute("INSERT INTO nonces VALUES ('t1', 'n1', 1)")
    conn.commit()
    conn.close()


def _main_tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def _check_split(db: Database, path: Path) -> None:
    assert not _main_tables(path) & set(schema.INGEST_TABLES)
    assert Path(ingest_path(str(path))).exists()
    with db.read() as tx:
        assert [tuple(r) for r in tx.tuples("SELECT id, event_id, seq, status FROM ingest.events ORDER BY id")] == [
            (1, "e1", 1, "stored"), (2, "e2", 2, "stored"), (3, "e3", 3, "stored")]
        assert tx.tuples("SELECT event_id, seq, reason FROM quarantined") == [("e2", 2, "unknown member")]
        assert tx.tuples("SELECT terminal_id, acked_seq FROM acks") == [("t1", 3)]
        assert tx.tuples("SELECT nonce FROM ingest.nonces") == [("n1",)]
        assert tx.scalar("SELECT MAX(version) AS v FROM schema_version") == schema.LATEST


def test_a_one_file_database_is_split_on_opening(tmp_path):
    path = tmp_path / "ho.db"
    _one_file_v3(path)
    db = Database(str(path))
    _check_split(db, path)
    with db.write(only="ingest") as tx:  # new events take ids after the moved ones
        tx.execute("INSERT INTO events(event_id, terminal_id, seq, kind, occurred_at, occurred_key, payload,"
                   " body_hash, status, received_at) VALUES ('e4', 't1', 4, 'note', ?, ?, '{}', 'h', 'stored', ?)",
                   (NOW, NOW[:26], NOW))
    with db.read() as tx:
        assert tx.scalar("SELECT id FROM events WHERE event_id = 'e4'") == 4
    db.close()


def test_a_split_stopped_after_its_copy_is_finished_on_the_next_opening(tmp_path):
    path = tmp_path / "ho.db"
    _one_file_v3(path)
    Database(str(path)).close()
    # as if stopped between the copy's commit and the drop's: the tables back in the main file
    conn = sqlite3.connect(path)
    conn.execute("ATTACH DATABASE ? AS ingest", (ingest_path(str(path)),))
    for table in schema.INGEST_TABLES:
        sql = conn.execute("SELECT sql FROM ingest.sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        conn.execute(sql)
        conn.execute(f"INSERT INTO main.{table} SELECT * FROM ingest.{table}")
    conn.commit()
    conn.close()
    assert set(schema.INGEST_TABLES) <= _main_tables(path)
    db = Database(str(path))
    _check_split(db, path)  # nothing doubled, nothing lost
    db.close()


def test_an_erasure_scrub_left_by_a_stop_is_done_by_the_next_catch_up(tmp_path):
    db = Database(str(tmp_path / "ho.db"))
    payload = {"phone": "+8613912345678", "name": "王芳", "birthday": "1990-01-02", "tier": "normal"}
    with db.write(only="ingest") as tx:
        tx.execute("INSERT INTO events(event_id, terminal_id, seq, kind, occurred_at, occurred_key, member_id,"
                   " payload, body_hash, status, received_at) VALUES ('e1', 't1', 1, 'member_registered', ?, ?,"
                   " 'm1', ?, 'h', 'stored', ?)", (NOW, NOW[:26], json.dumps(payload, ensure_ascii=False), NOW))
    with db.write(only="main") as tx:  # what the erasure's chunk committed before the stop
        tx.execute("UPDATE projector SET last_id = 1")
        tx.execute("INSERT INTO scrubs(member_id) VALUES ('m1')")
    assert projector.catch_up(db) == 0  # nothing to apply; the scrub is done
    with db.read() as tx:
        left = json.loads(tx.scalar("SELECT payload FROM events WHERE event_id = 'e1'"))
        assert tx.scalar("SELECT COUNT(*) AS n FROM scrubs") == 0
    assert left == {"phone": None, "name": None, "birthday": None, "tier": "normal"}
    assert members.scrub_pending(db) == 0
    db.close()
