"""Opening the store: WAL, synchronous=FULL, foreign keys, busy timeout, secure_delete; one write
transaction helper.

Write transactions are BEGIN IMMEDIATE, so two processes on one data file (the app and a CLI
script) queue on the busy timeout instead of failing half-way, and `seq` stays gapless.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from terminal.errors import PosError
from terminal.store.schema import migrations

DB_NAME = "terminal.db"
# The canonical payload text; one encoder reused (json.dumps with options builds a new one per call).
_PAYLOAD_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def open_store(path: Path | str) -> Store:
    """Open (creating and migrating if needed) the store file. ':memory:' works for tests."""
    path_text = str(path)
    if path_text != ":memory:":
        Path(path_text).parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(path_text, isolation_level=None, timeout=10.0, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        # 32 MiB of page cache, not SQLite's 2 MiB: a pull page writes members, spends, coupons,
        # cards and snapshots at random keys, and with 2 MiB each table's index pages pushed the
        # others' out between pages. Measured applying a benchmark catch-up's 22 pages: 1.93 ->
        # 1.69 CPU-s (16 MiB did as well, 64 MiB no better). At most this much per connection.
        conn.execute("PRAGMA cache_size=-32768")
        # Deleted and overwritten content is zeroed, not left in free space: an erased member's
        # phone and name must not survive in the file's bytes (PIPL; see services/privacy.py).
        conn.execute("PRAGMA secure_delete=ON")
        db = Database(conn)
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise PosError("store_corrupt", detail=f"{path_text}: {exc}") from None
    return Store(db)


@dataclass
class Store:
    db: Database

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write transaction (BEGIN IMMEDIATE ... COMMIT); nested calls join the outer one."""
        conn = self.conn
        if conn.in_transaction:
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- small reads -------------------------------------------------------------------------
    def one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        cur = self.conn.execute(sql, params)
        cur.row_factory = sqlite3.Row
        return cur.fetchone()

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        cur = self.conn.execute(sql, params)
        cur.row_factory = sqlite3.Row
        return cur.fetchall()

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # -- settings ----------------------------------------------------------------------------
    def setting(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM settings WHERE key = ?", (key,))
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- the event log -----------------------------------------------------------------------
    def append_event(
        self,
        *,
        event_id: str,
        terminal_id: str,
        kind: str,
        occurred_at: str,
        member_id: str | None,
        staff_id: str | None,
        payload: dict[str, Any],
    ) -> int:
        """Append one event inside the caller's write transaction; returns its seq (gapless)."""
        if not self.conn.in_transaction:
            raise RuntimeError("append_event must run inside Store.write()")
        # One statement: the next seq is computed inside the INSERT (seq is the rowid, so lastrowid is it).
        cur = self.conn.execute(
            "INSERT INTO events(seq, event_id, terminal_id, kind, occurred_at, member_id, staff_id, payload)"
            " VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM events), ?, ?, ?, ?, ?, ?, ?)",
            (
                event_id,
                terminal_id,
                kind,
                occurred_at,
                member_id,
                staff_id,
                _PAYLOAD_JSON.encode(payload),
            ),
        )
        seq = cur.lastrowid
        if seq is None:  # cannot happen after a successful INSERT into a rowid table
            raise RuntimeError("event insert gave no seq")
        return seq

    @contextmanager
    def checkpoint_after(self) -> Iterator[None]:
        """Many write transactions in a row (a pull's pages): the WAL is copied into the database
        file once, at the end (a passive checkpoint), instead of by whichever commit passes the
        autocheckpoint size (about every page of a pull): pages written again and again, the
        indexes', are copied once. Durability is the WAL's either way (synchronous=FULL)."""
        conn = self.conn
        size = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        conn.execute("PRAGMA wal_autocheckpoint=0")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint={size}")
            if not conn.in_transaction:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

    def checkpoint(self) -> bool:
        """Copy the WAL into the database file and truncate it (outside a transaction). False if a
        reader elsewhere kept part of it (the next checkpoint finishes the job)."""
        if self.conn.in_transaction:
            return False
        busy, _, _ = self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return busy == 0

    def close(self) -> None:
        self.conn.close()
