"""The sync benchmark (bench/bench_sync.py) at a tiny size, so the script never rots.

Checks that it generates the streams, runs a real head office on each backend, measures and
reports every figure; never the timings themselves.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "bench_sync.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_sync", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_sync"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_sync", None)


def test_streams_are_serviced_then_repeated_with_fresh_ids(bench, tmp_path):
    streams = bench.make_streams(tmp_path / "s", terminals=2, events=400, catchup=700, sales=40)
    assert [g.events for g in streams.pushers] == [400, 400] and streams.catchup.events == 700
    ids: set[str] = set()
    for g in (*streams.pushers, streams.catchup):
        conn = sqlite3.connect(g.data_dir / "terminal.db")
        try:
            seqs = [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY seq")]
            assert seqs == list(range(1, g.events + 1))  # gapless: a real outbox
            event_ids = [r[0] for r in conn.execute("SELECT event_id FROM events")]
            kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM events")}
        finally:
            conn.close()
        assert not ids & set(event_ids) and len(set(event_ids)) == len(event_ids)
        ids |= set(event_ids)
        assert {"member_registered", "sale", "points_earned", "coupon_issued"} <= kinds


def test_run_reports_every_figure(bench, tmp_path):
    backends = ["sqlite"] + (["postgresql"] if bench.pg_bin() is not None else [])
    lines: list[str] = []
    args = bench.parse_args(["--events", "300", "--catchup", "600", "--sales", "30", "--terminals", "2",
                             "--backends", ",".join(backends), "--dir", str(tmp_path / "run")])
    results = bench.run(args, out=lines.append)
    text = "\n".join(lines)
    assert [r.backend for r in results] == backends
    for r in results:
        assert r.push_events == 600 and r.push_seconds > 0 and r.push_rate > 0
        assert r.raw_rows == 600 and r.raw_rate > 0 and r.ratio > 0
        assert r.catchup_events == 600 and r.catchup_seconds > 0 and r.catchup_rounds >= 1
        assert r.gauge_before_ms > 0 and r.gauge_after_ms > 0
        assert r.catchup_push_seconds > 0 and r.catchup_pull_seconds > 0 and r.catchup_pulled > 0
        assert sum(r.stored.values()) == 1200  # every event stored once at head office
        assert r.push_cpu["head office"] >= 0 and "terminals (bench process)" in r.push_cpu
        assert ("postgresql" in r.push_cpu) is (r.backend == "postgresql")
        assert re.search(rf"^{r.backend}\s+\(a\) push, SyncClient over HTTP\s+[\d,]+ ev/s\s+>= 20,000\s+(PASS|MISS)$",
                         text, re.M)
        assert re.search(rf"^{r.backend}\s+\(b\) raw INSERT ON CONFLICT\s+[\d,]+ ev/s\s+info$", text, re.M)
        assert re.search(rf"^{r.backend}\s+push / raw\s+[\d.]+\s+info$", text, re.M)
        assert re.search(rf"^{r.backend}\s+\(c\) catch-up 600 events\s+[\d.]+ s\s+<= 10 s\s+(PASS|MISS)$", text, re.M)
        assert re.search(rf"^{r.backend}: CPU during \(a\) [\d.]+ s: head office [\d.]+ s", text, re.M)
        assert re.search(rf"^{r.backend}\s+CPU speed gauge before / after\s+\d+ /\s*\d+ ms\s+info$", text, re.M)
        assert r.catchup_push_cpu and all(0 <= r.catchup_push_cpu[k] <= v for k, v in r.catchup_cpu.items())
        for part in ("push", "pull"):
            assert re.search(rf"^{r.backend}:     its {part} part [\d.]+ s: [\d.]+ of \d+ cores busy; head office",
                             text, re.M)
    assert re.search(r"^overall: (PASS|MISS)", text, re.M)
    assert not (tmp_path / "run").exists()  # cleaned up


def test_speed_gauge_times_its_fixed_work_and_leaves_the_collector_as_it_was(bench):
    import gc

    import speed_gauge  # bench/, on the path once bench_sync is loaded

    assert speed_gauge._work() == speed_gauge._work()  # the same work every time
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            assert speed_gauge.gauge_ms() > 0
            assert gc.isenabled() is enabled
        finally:
            gc.enable()
