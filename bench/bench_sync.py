"""Sync benchmark: push throughput into head office, and a catch-up of 100,000 queued events.

    .venv/bin/python bench/bench_sync.py [--events N] [--catchup N] [--backends sqlite,postgresql]

For each backend (SQLite file; PostgreSQL in a private cluster started here, as tests/sync does,
with fsync on) a real head office runs as a uvicorn subprocess on 127.0.0.1, and terminals are
enrolled with it through the real SyncClient. The events are the terminals' own (bench/
sync_workload.py): registrations, sales with points earned and redeemed, coupons, cards, bonuses,
tier changes, refunds, adjustments and a few phones registered at two stores, made by the real
terminal services, then repeated with fresh ids up to the wanted counts.

Measured, in one run per backend:
(a) push: `--terminals` terminals (default 3) with `--events` queued events each push at the same
    time through SyncClient.push() over HTTP (batches of up to protocol.MAX_PUSH events, signed):
    events/s, end to end from the first request to the last reply; also the CPU seconds of the head
    office process, of PostgreSQL, and of the terminals' side (this process), to show where the time
    goes; then how long head office's projector (in the server, in the background) takes after the
    last reply to have applied every pushed event;
(b) raw: the same rows (read back from head office's events table) inserted with INSERT ... ON
    CONFLICT DO NOTHING into a table of the same shape in the same database, 500 rows a
    transaction, through the same storage layer, with head office idle: rows/s, and push / raw;
(c) catch-up: a terminal that pulled the feed, then queued `--catchup` events offline (default
    100,000) while (a) ran, runs SyncClient.sync_once() until nothing is waiting: seconds, and its
    push and pull parts (the pull brings every member changed since: its own and (a)'s), with the
    CPU of each part and how many cores it kept busy (below the count: some of it waited on one
    chain of work, e.g. the projector, while a core idled). Around it, a CPU speed gauge (bench/
    speed_gauge.py: a fixed piece of Python work, timed): this shared machine runs the same code up
    to twice as slow at some moments, and the gauge shows which moment a run had.

Targets (issue 3): push >= 20,000 events/s end to end on both backends; catch-up <= 10 s.
"""

from __future__ import annotations

import os

os.environ.setdefault("POS_PIN_HASH_FAST", "1")  # before terminal.auth is imported

import argparse  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Callable, Sequence  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "bench", ROOT / "tests" / "sync"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import sync_workload  # noqa: E402
from cpu_meter import CpuMeter  # noqa: E402
from speed_gauge import gauge_ms  # noqa: E402
from bench_core import machine  # noqa: E402
from ho_servers import HeadOffice, PgCluster, pg_bin  # noqa: E402  (tests/sync: the servers the tests start)
from sync import protocol  # noqa: E402
from sync.client import SyncClient  # noqa: E402
from sync.headoffice import enroll, projector  # noqa: E402
from sync.headoffice.db import Database  # noqa: E402
from terminal.services import replica  # noqa: E402
from terminal.services.context import open_terminal  # noqa: E402

PUSH_TARGET = 20_000.0  # events/s, end to end, each backend
CATCHUP_TARGET_S = 10.0
BACKENDS = ("sqlite", "postgresql")
RAW_TABLE = "bench_raw_events"
EVENT_COLUMNS = ("event_id", "terminal_id", "seq", "kind", "occurred_at", "occurred_key", "member_id", "staff_id",
                 "payload", "body_hash", "status", "reason", "received_at")


@dataclass
class Streams:
    """The serviced and amplified terminals, as templates copied for each backend."""

    folder: Path
    pushers: list[sync_workload.Generated]
    catchup: sync_workload.Generated
    serviced_events: int
    seconds: float


@dataclass
class BackendResult:
    backend: str
    push_events: int = 0
    push_seconds: float = 0.0
    push_cpu: dict[str, float] = field(default_factory=dict)  # process -> CPU seconds during (a)
    applied_seconds: float = 0.0  # after (a)'s last reply, until head office applied every event
    raw_rows: int = 0
    raw_seconds: float = 0.0
    catchup_events: int = 0
    catchup_seconds: float = 0.0
    catchup_push_seconds: float = 0.0
    catchup_pull_seconds: float = 0.0
    catchup_pulled: int = 0
    catchup_rounds: int = 0
    catchup_cpu: dict[str, float] = field(default_factory=dict)
    catchup_push_cpu: dict[str, float] = field(default_factory=dict)  # (c) until its first pull starts
    gauge_before_ms: float = 0.0  # speed_gauge right before (c), and right after
    gauge_after_ms: float = 0.0
    stored: dict[str, int] = field(default_factory=dict)  # head office's events by status afterwards

    @property
    def push_rate(self) -> float:
        return self.push_events / self.push_seconds if self.push_seconds else 0.0

    @property
    def raw_rate(self) -> float:
        return self.raw_rows / self.raw_seconds if self.raw_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.push_rate / self.raw_rate if self.raw_rate else 0.0

    def checks(self) -> list[tuple[str, bool]]:
        return [
            (f"push {self.push_rate:,.0f} events/s >= {PUSH_TARGET:,.0f}", self.push_rate >= PUSH_TARGET),
            (f"catch-up of {self.catchup_events:,} events in {self.catchup_seconds:.1f} s <= {CATCHUP_TARGET_S:g} s",
             self.catchup_seconds <= CATCHUP_TARGET_S),
        ]


# -- streams --------------------------------------------------------------------------------------

def make_streams(folder: Path, *, terminals: int, events: int, catchup: int, sales: int, seed: int = 1,
                 progress: Callable[[str], None] | None = None) -> Streams:
    """`terminals` pushers and one catch-up terminal, each having run `sales` sales through the
    services, amplified to `events` (pushers) and `catchup` events."""
    started = time.perf_counter()
    gens = sync_workload.make_terminals(folder, terminals + 1, sales, seed=seed, progress=progress)
    serviced = sum(g.events for g in gens)
    sync_workload.amplify(gens, [events] * terminals + [catchup], seed=seed)
    if progress:
        progress(f"  amplified to {events:,} events x {terminals} terminals + {catchup:,} for the catch-up"
                 f" ({time.perf_counter() - started:.1f} s in all)")
    return Streams(folder, gens[:terminals], gens[-1], serviced, time.perf_counter() - started)


def _copy(gen: sync_workload.Generated, dest: Path) -> Path:
    shutil.copytree(gen.data_dir, dest)
    return dest


def _enroll(data_dir: Path, url: str, db: Database, store: str) -> None:
    t = open_terminal(data_dir)
    try:
        code = enroll.create_code(db, store, datetime.now(timezone.utc), 30).code
        SyncClient(t, url).enroll(code)
    finally:
        t.store.close()


def _waiting(data_dir: Path) -> int:
    t = open_terminal(data_dir)
    try:
        return int(replica.status(t, t.now())["events_waiting"])
    finally:
        t.store.close()


# -- the three measures ---------------------------------------------------------------------------

class TimedClient(SyncClient):
    """SyncClient with its push and pull timed (sync_once is the real one); `on_first_pull` is
    called as its first pull starts."""

    push_seconds = 0.0
    pull_seconds = 0.0
    pulled = 0
    on_first_pull: Callable[[], None] | None = None

    def push(self) -> int:
        started = time.perf_counter()
        try:
            return super().push()
        finally:
            self.push_seconds += time.perf_counter() - started

    def pull(self) -> int:
        if self.on_first_pull is not None:
            self.on_first_pull()
            self.on_first_pull = None
        started = time.perf_counter()
        try:
            n = super().pull()
            self.pulled += n
            return n
        finally:
            self.pull_seconds += time.perf_counter() - started


def measure_push(dirs: Sequence[Path]) -> tuple[int, float]:
    """Every terminal pushes its outbox at the same time (one thread each; each opens its own
    store): (events pushed, seconds from the start to the last reply)."""
    queued = sum(_waiting(d) for d in dirs)
    ready = threading.Barrier(len(dirs) + 1)
    errors: list[BaseException] = []

    def run(data_dir: Path) -> None:
        t = open_terminal(data_dir)
        try:
            client = SyncClient(t)
            ready.wait()
            client.push()
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            t.store.close()

    threads = [threading.Thread(target=run, args=(d,)) for d in dirs]
    for th in threads:
        th.start()
    ready.wait()
    started = time.perf_counter()
    for th in threads:
        th.join()
    seconds = time.perf_counter() - started
    if errors:
        raise errors[0]
    left = sum(_waiting(d) for d in dirs)
    if left:
        raise RuntimeError(f"{left} events still waiting after the push")
    return queued, seconds


def measure_applied(db: Database, timeout: float = 600.0) -> float:
    """Seconds until head office's background projector has applied every stored event (polled)."""
    started = time.perf_counter()
    while projector.behind(db):
        if time.perf_counter() - started > timeout:
            raise RuntimeError("head office did not apply the pushed events")
        time.sleep(0.05)
    return time.perf_counter() - started


def measure_raw(db: Database, terminal_ids: Sequence[str], batch: int = 500) -> tuple[int, float]:
    """The rows head office stored for these terminals, inserted again with INSERT ... ON CONFLICT
    DO NOTHING into a table of the events table's shape, `batch` rows a transaction."""
    table = RAW_TABLE if db.postgres else f"ingest.{RAW_TABLE}"  # SQLite: the events' file (db.py)
    with db.write() as tx:
        tx.execute(f"DROP TABLE IF EXISTS {table}")
        ident = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" if db.postgres else \
            "INTEGER PRIMARY KEY AUTOINCREMENT"
        tx.execute(
            f"CREATE TABLE {table} (id {ident}, event_id TEXT NOT NULL UNIQUE, terminal_id TEXT NOT NULL,"
            " seq BIGINT NOT NULL, kind TEXT NOT NULL, occurred_at TEXT NOT NULL, occurred_key TEXT NOT NULL,"
            " member_id TEXT, staff_id TEXT, payload TEXT NOT NULL, body_hash TEXT NOT NULL, status TEXT NOT NULL,"
            " reason TEXT, received_at TEXT NOT NULL, UNIQUE (terminal_id, seq))")
        tx.execute(f"CREATE INDEX {table}_member ON {RAW_TABLE}(member_id, occurred_key)")
    with db.read() as tx:
        rows = [tuple(r[c] for c in EVENT_COLUMNS) for r in tx.all(
            f"SELECT {', '.join(EVENT_COLUMNS)} FROM events WHERE terminal_id IN ({', '.join('?' * len(terminal_ids))})"
            " ORDER BY terminal_id, seq", list(terminal_ids))]
    sql = (f"INSERT INTO {table}({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
           " ON CONFLICT DO NOTHING")
    started = time.perf_counter()
    for lo in range(0, len(rows), batch):
        with db.write(lock=False, only="ingest") as tx:
            tx.many(sql, rows[lo:lo + batch])
    seconds = time.perf_counter() - started
    with db.write() as tx:
        n = int(tx.scalar(f"SELECT COUNT(*) AS n FROM {table}"))
        tx.execute(f"DROP TABLE {table}")
    if n != len(rows):
        raise RuntimeError(f"raw insert stored {n} of {len(rows)} rows")
    return len(rows), seconds


def measure_catchup(data_dir: Path, max_rounds: int = 20,
                    on_first_pull: Callable[[], None] | None = None) -> tuple[int, float, TimedClient, int]:
    """sync_once() until nothing waits: (events drained, seconds, the client, rounds)."""
    t = open_terminal(data_dir)
    try:
        client = TimedClient(t)
        client.on_first_pull = on_first_pull
        queued = int(replica.status(t, t.now())["events_waiting"])
        started = time.perf_counter()
        rounds = 0
        while rounds < max_rounds:
            rounds += 1
            if client.sync_once()["events_waiting"] == 0:
                break
        seconds = time.perf_counter() - started
        if replica.status(t, t.now())["events_waiting"]:
            raise RuntimeError("the catch-up did not drain the outbox")
        return queued, seconds, client, rounds
    finally:
        t.store.close()


# -- one backend --------------------------------------------------------------------------------

def _database_url(backend: str, folder: Path, cluster: PgCluster | None) -> str:
    if backend == "sqlite":
        return str(folder / "headoffice.db")
    assert cluster is not None
    return cluster.new_database()


def start_cluster() -> PgCluster:
    """A private PostgreSQL cluster (tests/sync/ho_servers.py), with fsync turned back on: the
    tests run it with -F; a benchmark of commits should pay for them."""
    cluster = PgCluster()
    import psycopg

    with psycopg.connect(cluster.url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET fsync = on")
        conn.execute("SELECT pg_reload_conf()")
    return cluster


def run_backend(backend: str, streams: Streams, folder: Path, cluster: PgCluster | None,
                out: Callable[[str], None]) -> BackendResult:
    result = BackendResult(backend)
    folder.mkdir(parents=True)
    url = _database_url(backend, folder, cluster)
    server = HeadOffice(url, folder)
    db = Database(url)
    try:
        meter = CpuMeter(server, cluster)
        catchup_dir = _copy(streams.catchup, folder / "catchup")
        _enroll(catchup_dir, server.url, db, "追赶门店")
        t = open_terminal(catchup_dir)
        try:
            SyncClient(t).pull()  # enrolled and up to date, then offline for a long while
        finally:
            t.store.close()
        dirs = []
        for i, gen in enumerate(streams.pushers):
            dirs.append(_copy(gen, folder / f"till{i}"))
            _enroll(dirs[-1], server.url, db, f"门店{i + 1}")
        out(f"  {backend}: head office at {server.url}; {len(dirs)} terminals enrolled (+1 for the catch-up)")
        before = meter.sample()
        result.push_events, result.push_seconds = measure_push(dirs)
        result.push_cpu = CpuMeter.delta(before, meter.sample())
        out(f"  {backend}: (a) pushed {result.push_events:,} events in {result.push_seconds:.2f} s"
            f" = {result.push_rate:,.0f} events/s")
        result.applied_seconds = measure_applied(db)
        out(f"  {backend}:     head office applied them all {result.applied_seconds:.2f} s after the last reply")
        ids = [g.terminal_id for g in streams.pushers]
        result.raw_rows, result.raw_seconds = measure_raw(db, ids)
        out(f"  {backend}: (b) raw INSERT ... ON CONFLICT DO NOTHING of the same {result.raw_rows:,} rows in"
            f" {result.raw_seconds:.2f} s = {result.raw_rate:,.0f} rows/s")
        result.gauge_before_ms = gauge_ms()
        before = meter.sample()
        at_pull: list[dict[str, float]] = []
        result.catchup_events, result.catchup_seconds, client, result.catchup_rounds = measure_catchup(
            catchup_dir, on_first_pull=lambda: at_pull.append(meter.sample()))
        result.catchup_cpu = CpuMeter.delta(before, meter.sample())
        result.catchup_push_cpu = CpuMeter.delta(before, at_pull[0]) if at_pull else {}
        result.catchup_push_seconds, result.catchup_pull_seconds = client.push_seconds, client.pull_seconds
        result.catchup_pulled = client.pulled
        out(f"  {backend}: (c) caught up {result.catchup_events:,} events in {result.catchup_seconds:.2f} s"
            f" (push {client.push_seconds:.2f} s, pull {client.pull_seconds:.2f} s of {client.pulled:,} changes)")
        result.gauge_after_ms = gauge_ms()
        out(f"  {backend}:     CPU speed gauge (bench/speed_gauge.py: fixed Python work, lower is faster)"
            f" {result.gauge_before_ms:.0f} ms before (c), {result.gauge_after_ms:.0f} ms after")
        with db.read() as tx:
            events = int(tx.scalar("SELECT COUNT(*) AS n FROM events"))
            quarantined = int(tx.scalar("SELECT COUNT(*) AS n FROM quarantined"))
            result.stored = {k: n for k, n in (("quarantined", quarantined), ("stored", events - quarantined)) if n}
    finally:
        db.close()
        server.stop()
    return result


# -- report -----------------------------------------------------------------------------------

def _cpu_text(cpu: dict[str, float], seconds: float, events: int) -> str:
    """CPU seconds per process, as a share of the wall time and per event."""
    if not seconds or not events:
        return "-"
    return ", ".join(f"{k} {v:.1f} s ({v / seconds:.0%}, {v / events * 1e6:,.0f} us/event)" for k, v in cpu.items())


def _busy(cpu: dict[str, float], seconds: float) -> str:
    """How many of the machine's cores the processes kept busy on average: below the count, some
    of the part waited on one chain of work (what to shorten next), not on the CPU."""
    cores = os.cpu_count() or 1
    if not seconds:
        return "-"
    return f"{sum(cpu.values()) / seconds:.2f} of {cores} cores busy"


def summary_table(results: Sequence[BackendResult]) -> str:
    head = f"{'backend':<11}{'measure':<34}{'value':>16}{'target':>14}  result"
    rows = [head, "-" * len(head)]
    for r in results:
        rows += [
            f"{r.backend:<11}{'(a) push, SyncClient over HTTP':<34}{r.push_rate:>11,.0f} ev/s"
            f"{'>= ' + format(PUSH_TARGET, ',.0f'):>14}  {'PASS' if r.push_rate >= PUSH_TARGET else 'MISS'}",
            f"{r.backend:<11}{'    then applied by head office in':<34}{r.applied_seconds:>14.1f} s{'':>14}  info",
            f"{r.backend:<11}{'(b) raw INSERT ON CONFLICT':<34}{r.raw_rate:>11,.0f} ev/s{'':>14}  info",
            f"{r.backend:<11}{'    push / raw':<34}{r.ratio:>16.2f}{'':>14}  info",
            f"{r.backend:<11}{'(c) catch-up ' + format(r.catchup_events, ',') + ' events':<34}"
            f"{r.catchup_seconds:>14.1f} s{'<= ' + format(CATCHUP_TARGET_S, 'g') + ' s':>14}  "
            f"{'PASS' if r.catchup_seconds <= CATCHUP_TARGET_S else 'MISS'}",
            f"{r.backend:<11}{'    of which push / pull':<34}"
            f"{r.catchup_push_seconds:>7.1f} /{r.catchup_pull_seconds:>5.1f} s"
            f"{'':>14}  info",
            f"{r.backend:<11}{'    CPU speed gauge before / after':<34}"
            f"{r.gauge_before_ms:>6.0f} /{r.gauge_after_ms:>5.0f} ms"
            f"{'':>14}  info",
        ]
    return "\n".join(rows)


def run(args: argparse.Namespace, out: Callable[[str], None] = print) -> list[BackendResult]:
    total = time.perf_counter()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    for b in backends:
        if b not in BACKENDS:
            raise SystemExit(f"unknown backend {b!r}: {', '.join(BACKENDS)}")
    if "postgresql" in backends and pg_bin() is None:
        raise SystemExit("PostgreSQL is not installed (`make test` installs it)")
    if args.dir:
        tmp = Path(args.dir)
        tmp.mkdir(parents=True)
    else:
        tmp = Path(tempfile.mkdtemp(prefix="pos-bench-sync-"))
    cluster = None
    try:
        out(f"sync bench in {tmp}   ({machine()})")
        out(f"streams: {args.terminals} terminals x {args.events:,} events + a catch-up terminal of {args.catchup:,};"
            f" {args.sales:,} sales each through the terminal services, then repeated with fresh ids")
        streams = make_streams(tmp / "streams", terminals=args.terminals, events=args.events, catchup=args.catchup,
                               sales=args.sales, seed=args.seed, progress=out)
        kinds: dict[str, int] = {}
        for g in (*streams.pushers, streams.catchup):
            for k, n in g.kinds.items():
                kinds[k] = kinds.get(k, 0) + n
        out("  serviced events by kind: " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items())))
        results = []
        for backend in backends:
            if backend == "postgresql" and cluster is None:
                cluster = start_cluster()
            results.append(run_backend(backend, streams, tmp / backend, cluster, out))
        out("")
        for r in results:
            out(f"{r.backend}: CPU during (a) {r.push_seconds:.1f} s: "
                + _cpu_text(r.push_cpu, r.push_seconds, r.push_events))
            out(f"{r.backend}: CPU during (c) {r.catchup_seconds:.1f} s: "
                + _cpu_text(r.catchup_cpu, r.catchup_seconds, r.catchup_events))
            pull_cpu = {k: max(0.0, v - r.catchup_push_cpu.get(k, 0.0)) for k, v in r.catchup_cpu.items()}
            for part, cpu, seconds in (("push", r.catchup_push_cpu, r.catchup_push_seconds),
                                       ("pull", pull_cpu, r.catchup_pull_seconds)):
                out(f"{r.backend}:     its {part} part {seconds:.1f} s: {_busy(cpu, seconds)}; "
                    + _cpu_text(cpu, seconds, r.catchup_events))
            out(f"{r.backend}: head office events by status: "
                + ", ".join(f"{k} {v:,}" for k, v in r.stored.items()))
        out("")
        out(f"summary ({args.terminals} x {args.events:,} events pushed at once in batches of up to"
            f" {protocol.MAX_PUSH:,}; catch-up of {args.catchup:,})")
        out(summary_table(results))
        missed = [f"{r.backend} {text}" for r in results for text, ok in r.checks() if not ok]
        out(f"overall: {'PASS' if not missed else 'MISS'}   total run {time.perf_counter() - total:.1f} s"
            f"   ({machine()})")
        return results
    finally:
        if cluster is not None:
            cluster.stop()
        if args.keep:
            out(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    p.add_argument("--events", type=int, default=20_000, help="queued events per pushing terminal (default 20,000)")
    p.add_argument("--terminals", type=int, default=3, help="terminals pushing at once (default 3)")
    p.add_argument("--catchup", type=int, default=100_000,
                   help="events queued at the catch-up terminal (default 100,000)")
    p.add_argument("--sales", type=int, default=600, help="sales per terminal through the services (default 600)")
    p.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated: sqlite,postgresql")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dir", help="work in this new folder instead of a temp one")
    p.add_argument("--keep", action="store_true", help="keep the work folder (stores, databases, server logs)")
    p.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results = run(args)
    missed = any(not ok for r in results for _, ok in r.checks())
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
