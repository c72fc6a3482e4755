"""The head office's storage: one small interface over two backends, SQLite (a file, WAL) and
PostgreSQL (psycopg 3). SQL is written once with `?` placeholders; rows come back as dicts.

Transactions
- `db.write()`: one write transaction. Writers are serialized: SQLite by BEGIN IMMEDIATE (one
  writer per file), PostgreSQL by `pg_advisory_xact_lock(WRITE_LOCK)` taken first thing in every
  write transaction and held until its COMMIT or ROLLBACK.
  Why serialize on PostgreSQL: the pull feed is read as "feed.id > cursor". Ids come from a
  sequence, and a sequence hands out numbers in call order, not commit order: if transaction A takes
  id 10 and commits after B took id 11 and committed, a reader in between sees 11, moves its cursor
  to 11 and never sees 10. With every feed writer holding the same transaction-level lock from its
  start to its commit, no two feed-writing transactions overlap, so ids are assigned in commit order
  and "id > cursor" never skips a late-committing row. The events table is read the same way by
  the projector; its only writer, push, takes PUSH_LOCK the same way. (The alternative, reading only below
  pg_snapshot_xmin, keeps writers parallel but makes readers lag; one head office does not need it.)
- `db.read()`: one consistent snapshot for several reads (SQLite: a deferred transaction in WAL
  mode; PostgreSQL: REPEATABLE READ, READ ONLY), so e.g. a member's data and the requesting
  terminal's acked seq come from the same moment.

SQLite keeps what pushes write (schema.INGEST_TABLES: events, nonces, acks) in a file of its own
beside the main one (`ingest_path`, attached to every connection as schema "ingest"; table names
need no prefix). SQLite has one writer per file: with one file, a projector chunk's transaction
held up every push until it committed. Now a push writes only the ingest file and the projector
only the main file (`write(only=...)`), so they run side by side (an erasure's scrub of stored
events comes after the projector's transaction: members.scrub_pending); any other write takes both
files' locks. A read sees each file as of its first read of it: events are read up to the
projector's cursor (in the main file), so what it reads of them is fixed by then. A transaction
over two files in WAL mode is atomic in each file, not across them: the one writer of both, the
split into two files (`_split`), is made so that running it again finishes it, and a later
migration that writes both files must be too.
"""

from __future__ import annotations

import os
import queue
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs

WRITE_LOCK = 7_201_003  # the advisory lock key every PostgreSQL write transaction takes (but pushes)
PUSH_LOCK = 7_201_004  # the one pushes take instead (they write events, never the feed)
BUSY_TIMEOUT_S = 30.0  # SQLite: how long a writer waits for the file (and for this process's writers)
ENV_DB = "POS_HEADOFFICE_DB"
DB_FILE = "headoffice.db"


def default_url() -> str:
    """POS_HEADOFFICE_DB, else a SQLite file in the user data dir ('pos-headoffice/headoffice.db')."""
    env = os.environ.get(ENV_DB)
    if env:
        return env
    return str(Path(platformdirs.user_data_dir("pos-headoffice", appauthor=False)) / DB_FILE)


def ingest_path(url: str) -> str:
    """SQLite: the ingest file beside the main one (headoffice.db -> headoffice.events.db)."""
    path = Path(url)
    return str(path.with_name(f"{path.stem}.events{path.suffix or '.db'}"))


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row)}


# an array literal's elements that need no quotes: no whitespace, braces, commas, quotes or backslashes
_PLAIN_ITEMS = re.compile(r'[^\s{},"\\]+(?:,[^\s{},"\\]+)*')


def text_array(values: Sequence[Any]) -> str | None:
    """PostgreSQL: `values` as one text[] literal ('{a,b,c}', sent as a single string) when each is a
    non-empty str that needs no quoting (ids, codes, phones, times), else None. psycopg dumps a list
    parameter element by element in Python: measured, 17 ms of client CPU for 5,000 ids against
    3 ms for the literal, the same rows back."""
    try:
        joined = ",".join(values)
    except TypeError:  # a value that is not a str (None, a number)
        return None
    if (not values or joined.count(",") != len(values) - 1 or "null" in joined.lower()  # NULL: no string
            or not _PLAIN_ITEMS.fullmatch(joined)):
        return None
    return "{" + joined + "}"


def _array(values: list[Any]) -> tuple[str, Any]:
    """An array parameter's placeholder and value: a text[] literal where text_array() makes one,
    else the list (psycopg dumps it)."""
    literal = text_array(values)
    return ("?::text[]", literal) if literal is not None else ("?", values)


def _any(sql: str, values: list[Any]) -> tuple[str, Any]:
    """PostgreSQL: `x IN {in}` as `x = ANY(?)` (one array parameter), and that parameter."""
    if "IN {in}" not in sql:
        raise ValueError("all_in/tuples_in take SQL with `IN {in}`")
    mark, param = _array(values)
    return sql.replace("IN {in}", f"= ANY({mark})"), param


class Tx:
    """One transaction's connection: execute / one / all / scalar / many."""

    def __init__(self, conn: Any, postgres: bool) -> None:
        self._conn = conn
        self.postgres = postgres
        self._lookups = False  # plan_for_lookups() was called

    def plan_for_lookups(self) -> None:
        """PostgreSQL: for the rest of this transaction (SET LOCAL), plan as for data in memory
        (random_page_cost 1.1, not the default 4 of a spinning disk), without parallel workers and
        without JIT. For transactions that look up thousands of keys at once (`x = ANY(?)`: the
        projector's chunks, a pull's snapshots): with the defaults the planner read whole tables
        for them (members, coupons, spends per window of a chunk's events; all of events, in
        parallel, for a chunk's overdraft ledgers), where the indexes find the rows in a few pages
        each; a parallel scan only spreads the same work over more processes, and compiling a
        statement (JIT) costs more than running one of these. Same rows either way: every such
        read is ordered by a total order, or sorted by the caller.
        Seq scans are off too: the tables grow from nothing to 100,000s of rows between two
        autovacuum ANALYZEs, and without statistics the planner takes `member_id = ANY(500 ids)`
        for the whole table. On the sync benchmark a catch-up read 1.9 million spends rows in 61
        seq scans, and members, coupons, coupon_uses, tier_history the same way; the snapshots'
        ledger read took a seq scan of events (16,000 pages a pull page, 3x what the member index
        reads), its statistics putting 40 events on a member that had 15. Each index finds the
        few rows; where none serves a statement, PostgreSQL still scans the table. (JIT off
        matters here too: a plan costed with seq scans disabled was compiled otherwise, 36 ms a
        statement.) And each statement psycopg prepared is planned once, for no particular keys
        (plan_cache_mode force_generic_plan), not at every call: a chunk runs the same few
        lookups for thousands of keys, and planning them each time cost PostgreSQL 0.25 s of a
        benchmark catch-up (57 ms so). Such a generic plan is made only here, with seq scans off,
        so it finds rows by index however the tables grow; outside these transactions every call
        is planned for its parameters as before (_connect). Once per transaction: later calls do
        nothing. SQLite: nothing."""
        if self.postgres and not self._lookups:
            self._conn.execute("SELECT set_config('random_page_cost', '1.1', true),"
                               " set_config('max_parallel_workers_per_gather', '0', true),"
                               " set_config('jit', 'off', true), set_config('enable_seqscan', 'off', true),"
                               " set_config('plan_cache_mode', 'force_generic_plan', true)")
            self._lookups = True

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(self._sql(sql), tuple(params))

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.postgres:
            with self._conn.cursor() as cur:
                cur.executemany(self._sql(sql), [tuple(r) for r in rows])
        else:
            self._conn.executemany(sql, [tuple(r) for r in rows])

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                    types: Sequence[str] | None = None) -> None:
        """Plain INSERT of many new rows (no ON CONFLICT: the caller knows they are new). PostgreSQL:
        one COPY, one round trip; with `types` (each column's type, and every value of that Python
        type or None: str for text, int for bigint), in COPY's binary format, which neither side
        scans for characters to escape (half the client's CPU for the events of a push); SQLite:
        executemany."""
        if not rows:
            return
        if self.postgres:
            binary = " (FORMAT BINARY)" if types is not None else ""
            with self._conn.cursor() as cur:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN{binary}") as copy:
                    if types is not None:
                        copy.set_types(list(types))
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            self._conn.executemany(f"INSERT INTO {table}({', '.join(columns)}) VALUES ({marks})", rows)

    def update_rows(self, table: str, key: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """`UPDATE table SET columns... WHERE key = ?` for each row (the columns' values, then the
        key's), as executemany would leave them (a key given twice: its last row). Text columns
        only. PostgreSQL: one statement over unnest() of one array per column (executemany costs a
        round of the driver per row); SQLite: executemany."""
        if not rows:
            return
        sets = ", ".join(f"{c} = ?" for c in columns)
        if not self.postgres:
            self._conn.executemany(f"UPDATE {table} SET {sets} WHERE {key} = ?", [tuple(r) for r in rows])
            return
        last = {r[-1]: r for r in rows}  # a key's last row wins, as it would one update after another
        names = [f"c{i}" for i in range(len(columns))]
        sets = ", ".join(f"{c} = v.{n}" for c, n in zip(columns, names))
        cols = [list(c) for c in zip(*last.values())]
        literals = [text_array(c) for c in cols]
        arrays = ", ".join(["%s::text[]"] * (len(columns) + 1))
        self._conn.execute(f"UPDATE {table} AS t SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}, k)"
                           f" WHERE t.{key} = v.k", [c if lit is None else lit for c, lit in zip(cols, literals)])

    def all_in(self, sql: str, values: Sequence[Any], params: Sequence[Any] = (), *,
               chunk: int = 500) -> list[dict[str, Any]]:
        """`sql` with one `IN {in}` (a placeholder list) for `values`, run per chunk of values;
        `params` follow the list. Rows of all chunks, in chunk order. PostgreSQL: one query with
        `= ANY(?)` and the values as one array parameter (no chunks, and no query text of thousands
        of placeholders for psycopg to parse and the server to plan)."""
        values = list(values)
        if self.postgres:
            if not values:
                return []
            query, param = _any(sql, values)
            return self.all(query, (param, *params))
        out: list[dict[str, Any]] = []
        for lo in range(0, len(values), chunk):
            part = values[lo:lo + chunk]
            out.extend(self.all(sql.replace("{in}", "(" + ",".join("?" * len(part)) + ")"), (*part, *params)))
        return out

    def tuples(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows as tuples in the select list's order (for hot paths: no dict per row)."""
        if self.postgres:
            from psycopg.rows import tuple_row

            with self._conn.cursor(row_factory=tuple_row) as cur:
                return list(cur.execute(self._sql(sql), tuple(params)).fetchall())
        cur = self._conn.cursor()
        cur.row_factory = None
        return cur.execute(sql, tuple(params)).fetchall()

    def tuples_in(self, sql: str, values: Sequence[Any], params: Sequence[Any] = (), *,
                  chunk: int = 500) -> list[tuple[Any, ...]]:
        """all_in() with tuple rows."""
        values = list(values)
        if self.postgres:
            if not values:
                return []
            query, param = _any(sql, values)
            return self.tuples(query, (param, *params))
        out: list[tuple[Any, ...]] = []
        for lo in range(0, len(values), chunk):
            part = values[lo:lo + chunk]
            out.extend(self.tuples(sql.replace("{in}", "(" + ",".join("?" * len(part)) + ")"), (*part, *params)))
        return out

    def one(self, sql: str, params: Sequence[Any] = ()) -> dict[str, Any] | None:
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        return list(self.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))

    def insert_id(self, sql: str, params: Sequence[Any] = ()) -> int:
        """An INSERT ... RETURNING id, returning the new id."""
        return int(self.scalar(sql, params))


class Database:
    """A pool of connections to one database, SQLite file or PostgreSQL URL."""

    def __init__(self, url: str, *, pool_size: int = 8) -> None:
        self.url = url
        self.postgres = is_postgres(url)
        self._pool: queue.LifoQueue[Any] = queue.LifoQueue()
        self._pool_size = pool_size
        # SQLite: this process's writers of each file, one at a time (see write())
        self._writers = {"main": threading.RLock(), "ingest": threading.RLock()}
        if not self.postgres:
            Path(url).parent.mkdir(parents=True, exist_ok=True)
        from sync.headoffice import schema

        with self.write(lock=True) as tx:
            schema.migrate(tx)
        if not self.postgres:
            self._split()

    def _split(self) -> None:
        """SQLite: schema.INGEST_TABLES into the ingest file. A database of one file (made before
        v4) has them in the main file: they are copied, then dropped there, in two transactions,
        so a stop in between loses nothing (the copy is made again, rows already there kept)."""
        from sync.headoffice.schema import INGEST_TABLES

        with self.write() as tx:
            for name in ("main", "ingest"):
                tx.execute(f"CREATE TABLE IF NOT EXISTS {name}.writer (n INTEGER NOT NULL)")
                tx.execute(f"INSERT INTO {name}.writer(n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM {name}.writer)")
            moving = [t for t in INGEST_TABLES if tx.one(
                "SELECT 1 AS x FROM main.sqlite_master WHERE type = 'table' AND name = ?", (t,))]
            for table in moving:
                for kind, name, sql in tx.tuples(
                        "SELECT type, name, sql FROM main.sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL"
                        " ORDER BY type = 'index', rowid", (table,)):
                    head = f"CREATE {'TABLE' if kind == 'table' else 'INDEX'} {name}"
                    if not sql.startswith(head):
                        raise RuntimeError(f"unexpected schema for {name}: {sql[:80]}")
                    tx.execute(f"CREATE {'TABLE' if kind == 'table' else 'INDEX'} IF NOT EXISTS ingest.{name}"
                               + sql[len(head):])
                    if kind == "table":
                        tx.execute(f"INSERT OR IGNORE INTO ingest.{table} SELECT * FROM main.{table}")
        if moving:
            with self.write() as tx:
                for table in moving:
                    tx.execute(f"DROP TABLE main.{table}")

    @property
    def integrity_errors(self) -> tuple[type[Exception], ...]:
        """What a broken unique index raises on this backend."""
        if self.postgres:
            import psycopg

            return (psycopg.errors.IntegrityError,)
        return (sqlite3.IntegrityError,)

    @property
    def backend(self) -> str:
        return "postgresql" if self.postgres else "sqlite"

    # -- connections --------------------------------------------------------------------------
    def _connect(self) -> Any:
        if self.postgres:
            import psycopg
            from psycopg.rows import dict_row

            conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row)
            # Statements psycopg prepares are planned for their parameters every time: a generic
            # plan, made for no particular parameters and kept while the tables grow, turned
            # "member_id = ANY(?)" over a table that was small then into a seq scan of the whole
            # table per call (60 ms and more, several times per projector chunk). The
            # transactions planned for lookups (Tx.plan_for_lookups) keep generic plans made with
            # seq scans off, for themselves.
            conn.execute("SET plan_cache_mode = force_custom_plan")
            return conn
        conn = sqlite3.connect(self.url, isolation_level=None, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
        conn.row_factory = _dict_row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        # 32 MiB of page cache (SQLite's default is 2 MiB): the events table's indexes take every
        # push's rows at random places (member ids); measured ~15% faster pushes into a large table
        conn.execute("PRAGMA cache_size=-32768")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("ATTACH DATABASE ? AS ingest", (ingest_path(self.url),))
        conn.execute("PRAGMA ingest.journal_mode=WAL")
        conn.execute("PRAGMA ingest.synchronous=FULL")
        conn.execute("PRAGMA ingest.cache_size=-32768")
        return conn

    def _reusable(self, conn: Any) -> bool:
        """Back to the pool only if idle (the transaction ended cleanly, commit or rollback)."""
        if self.postgres:
            from psycopg.pq import TransactionStatus

            return not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE
        return not conn.in_transaction

    def _begin(self, begin: str) -> Any:
        """A connection with `begin` run on it. A pooled connection the server has dropped since
        (PostgreSQL restarted, say) fails here: it is closed and a new one opened, once."""
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
            conn.execute(begin)
            return conn
        try:
            conn.execute(begin)
        except Exception:
            try:
                conn.close()
            except Exception:
                pass
            conn = self._connect()
            conn.execute(begin)
        return conn

    @contextmanager
    def _connection(self, begin: str) -> Iterator[Any]:
        conn = self._begin(begin)
        try:
            yield conn
        finally:
            if self._pool.qsize() < self._pool_size and self._reusable(conn):
                self._pool.put(conn)
            else:
                conn.close()

    @contextmanager
    def _transaction(self, begin: str, lock: bool | int) -> Iterator[Tx]:
        with self._connection(begin) as conn:
            try:
                tx = Tx(conn, self.postgres)
                if lock and self.postgres:
                    tx.execute("SELECT pg_advisory_xact_lock(?)", (WRITE_LOCK if lock is True else int(lock),))
                yield tx
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except Exception:  # the connection is gone: it is closed, not pooled
                    pass
                raise
            conn.execute("COMMIT")

    @contextmanager
    def write(self, *, lock: bool | int = True, only: str | None = None) -> Iterator[Tx]:
        """A write transaction. lock=False (PostgreSQL only) skips the feed lock, for writes that
        never touch the feed (nonces), so they do not queue behind pushes; lock=PUSH_LOCK takes
        that lock instead of the feed lock: pushes write events (and nonces, and their terminal's
        acked_seq), never the feed, so the projector applies events while the next push is stored.
        Pushes are serialized among themselves by it, so events.id follows commit order: a reader
        of "events.id > cursor" never skips a late-committing event either.

        SQLite: `only` "ingest" or "main" says the transaction writes that file alone (pushes and
        nonces; the projector), and it waits only for that file's writers: BEGIN IMMEDIATE would
        take every attached file's write lock, so it begins deferred and its first statement is a
        write to that file (it takes the lock there, waiting in the busy handler, before anything
        is read). Without `only`, both files. This process's writers of a file also queue on a lock
        of their own first: a writer that finds the file locked sleeps in its busy handler (steps
        of up to 100 ms) and may sleep on after the lock is free, while a writer waiting here starts
        the moment the one before it commits."""
        if self.postgres:
            with self._transaction("BEGIN", lock) as tx:
                yield tx
            return
        if only not in (None, "main", "ingest"):
            raise ValueError(only)
        held: list[threading.RLock] = []
        try:
            for name in ("main", "ingest"):
                if only in (None, name):
                    if not self._writers[name].acquire(timeout=BUSY_TIMEOUT_S):
                        raise sqlite3.OperationalError("database is locked")  # as the busy timeout would say
                    held.append(self._writers[name])
            with self._transaction("BEGIN IMMEDIATE" if only is None else "BEGIN", lock) as tx:
                if only is not None:
                    tx.execute(f"UPDATE {only}.writer SET n = n + 1")
                yield tx
        finally:
            for writer in reversed(held):
                writer.release()

    @contextmanager
    def read(self) -> Iterator[Tx]:
        begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if self.postgres else "BEGIN"
        with self._transaction(begin, False) as tx:
            yield tx

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return


def open_db(url: str | None = None) -> Database:
    return Database(url or default_url())
