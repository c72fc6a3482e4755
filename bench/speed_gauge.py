"""A gauge of how fast this machine's CPU is right now, for bench_sync.py: a fixed piece of pure
Python work (JSON written and read back, hashed, sorted; what the sync code does most), timed.

On a shared virtual machine the same code runs up to twice as slow at one moment as at another,
and the hypervisor's steal time does not show it (under 1% during slow benchmark runs here):
each instruction just takes longer. Timed right before and after a measurement, the gauge tells a
slow moment from a slow change. The best of a few rounds, as timeit reports: the work is fixed,
so anything above its best is the machine's."""

from __future__ import annotations

import gc
import hashlib
import json
import time

ROUNDS = 3
_DOC = {"member_id": "0190a0a0-0000-7000-8000-000000000001", "phone": "+8613800000001", "name": "会员",
        "lots": [{"lot_id": f"lot-{i}", "earned_at": "2026-11-02T10:44:18.035928+08:00", "points": i * 37,
                  "remaining": i} for i in range(8)]}


def _work() -> int:
    total = 0
    for i in range(2_000):
        text = json.dumps({**_DOC, "n": i}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        back = json.loads(text)
        total += len(hashlib.sha256(text.encode()).hexdigest()) + len(sorted(back["lots"], key=lambda x: -x["points"]))
    return total


def gauge_ms() -> float:
    """Milliseconds for the fixed work, the best of ROUNDS, with the garbage collector off (what
    it finds to do depends on the rest of the process, not on the machine)."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(ROUNDS):
            started = time.perf_counter()
            _work()
            best = min(best, time.perf_counter() - started)
    finally:
        if enabled:
            gc.enable()
    return best * 1000
