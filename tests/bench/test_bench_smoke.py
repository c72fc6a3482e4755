"""The core benchmark (bench/bench_core.py) on a tiny store, so the script never rots.

Checks that it builds, measures and reports every figure; never the timings themselves.
"""

from __future__ import annotations

import importlib.util
import random
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_core.py"
MEMBERS = 2000


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_core", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_core", None)


@pytest.fixture(scope="module")
def store(bench, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("bench") / "store"
    info = sys.modules["bench_store"].build_store(data_dir, MEMBERS, signed=80)  # bench_core put it there
    return data_dir, info


def test_build_makes_the_store_the_lookups_need(bench, store):
    from terminal import cards, phone
    from terminal.services.context import open_terminal

    data_dir, info = store
    assert info.built and info.members == MEMBERS and info.db_bytes > 0 and info.seconds > 0
    assert info.signed_cards == 80
    t = open_terminal(data_dir)
    try:
        conn = t.store.conn
        assert conn.execute("SELECT COUNT(*) FROM members").fetchone()[0] == MEMBERS
        assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == MEMBERS
        assert conn.execute("SELECT COUNT(*) FROM coupons WHERE template = 'WELCOME'").fetchone()[0] == MEMBERS
        kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM events GROUP BY kind").fetchall())
        assert kinds["member_registered"] == kinds["card_issued"] == kinds["coupon_issued"] == MEMBERS
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))  # gapless, as the service keeps it
        for number, in conn.execute("SELECT phone FROM members LIMIT 200"):
            assert phone.normalize(number[3:]) == number  # valid Chinese mobiles, E.164
        key = t.device_key()
        genuine = conn.execute("SELECT payload FROM cards WHERE key_id = ?", (key.key_id,)).fetchall()
        assert len(genuine) == 80
        for payload, in genuine:
            cards.verify_card(payload, {key.key_id: key.public_raw})
        keys = bench.pick_keys(t, 30, random.Random(1))
        assert len(keys.phones_typed) == len(keys.last4) == len(keys.cards) == 30
        assert all(re.fullmatch(r"1[3-9]\d{9}", p) for p in keys.phones_typed)
    finally:
        t.store.close()


def test_measures_service_and_raw(bench, store):
    from terminal.services.context import open_terminal

    data_dir, _ = store
    t = open_terminal(data_dir)
    try:
        keys = bench.pick_keys(t, 25, random.Random(2))
        lookups = bench.bench_lookups(t, keys, rounds=1)
        assert [c.name for c in lookups] == ["lookup phone", "lookup last4", "lookup card"]
        for c in lookups:
            assert len(c.service_us) == len(c.raw_us) == 25
            assert c.service_median > 0 and c.raw_p99 > 0 and c.ratio_median > 0 and c.ratio_p99 > 0
            assert len(c.checks()) == 2
        sale, stats = bench.bench_checkout(t, 12, random.Random(3), history=1)
        assert sale.name == "checkout sale" and stats.sales == 12
        assert len(sale.service_us) == len(sale.raw_us) == 12
        assert stats.lines >= 12 and stats.events >= 12
        # every service sale was written again by the raw transaction, row for row
        conn = t.store.conn
        service_sales = conn.execute("SELECT COUNT(*) FROM sales WHERE receipt_no NOT LIKE 'RAW-%'").fetchone()[0]
        raw_sales = conn.execute("SELECT COUNT(*) FROM sales WHERE receipt_no LIKE 'RAW-%'").fetchone()[0]
        assert raw_sales == 12 and service_sales == 12 + stats.history_sales
        raw_events = conn.execute("SELECT COUNT(*) FROM events WHERE kind LIKE 'bench_raw_%'").fetchone()[0]
        assert raw_events == stats.events
        cold, cold_stats = bench.bench_checkout(t, 3, random.Random(4), history=0, cold=True)
        assert cold.name == "checkout cold" and len(cold.service_us) == len(cold.raw_us) == 3
        assert cold.checks() == [] and cold_stats.history_sales == 0
        assert conn.execute("SELECT COUNT(*) FROM sales WHERE receipt_no LIKE 'RAW-%'").fetchone()[0] == 15
    finally:
        t.store.close()


def test_main_prints_every_figure_and_reuses_a_kept_store(bench, tmp_path):
    argv = ["--members", "1500", "--keep", str(tmp_path / "kept"), "--keys", "20", "--rounds", "1",
            "--checkouts", "8", "--history", "1", "--signed", "40"]
    for reuse in (False, True):
        lines: list[str] = []
        info, results = bench.run(bench.parse_args(argv), out=lines.append)
        text = "\n".join(lines)
        assert info.built is not reuse
        assert ("reused the store" in text) is reuse
        assert re.search(r"db size: [\d,.]+ MB", text)
        if not reuse:
            assert re.search(r"build: 1,500 members .* in [\d.]+ s", text)
        for name in ("lookup phone", "lookup last4", "lookup card", "checkout sale"):
            section = text.split(name + "  (", 1)[1]
            assert re.search(r"service\s+median\s+[\d.]+ ms\s+p99\s+[\d.]+ ms", section)
            assert re.search(r"raw\s+median\s+[\d.]+ ms\s+p99\s+[\d.]+ ms", section)
            assert re.search(r"ratio\s+median\s+[\d.]+\s+p99\s+[\d.]+", section)
            assert re.search(r"(PASS|MISS)  median ratio [\d.]+ <= 3", section)
            assert re.search(r"(PASS|MISS)  p99 [\d.]+ ms <= [15] ms", section)
            row = re.search(rf"^{name}\s+([\d.]+\s+){{6}}[15]ms\s+3\s+(PASS|MISS)$", text, re.M)
            assert row, f"no summary row for {name}"
        cold = text.split("checkout cold  (", 1)[1]
        assert re.search(r"service\s+median\s+[\d.]+ ms\s+p99\s+[\d.]+ ms", cold)
        assert re.search(r"^checkout cold\s+([\d.]+\s+){6}-\s+-\s+info$", text, re.M)
        assert re.search(r"^overall: (PASS|MISS)", text, re.M)
        assert [c.name for c in results] == ["lookup phone", "lookup last4", "lookup card", "checkout sale",
                                             "checkout cold"]
