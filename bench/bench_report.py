"""Measuring and reporting for the benchmarks: percentiles, service-vs-raw comparisons, the
summary table, and the machine's load (timings on a shared machine mean little without it)."""

from __future__ import annotations

import math
import os
import sqlite3
import statistics
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence


# --- measuring ----------------------------------------------------------------------------------


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Comparison:
    name: str
    service_us: list[float] = field(default_factory=list)
    raw_us: list[float] = field(default_factory=list)
    p99_target_ms: float | None = None
    ratio_target: float | None = None
    note: str = ""

    @property
    def service_median(self) -> float:
        return statistics.median(self.service_us)

    @property
    def raw_median(self) -> float:
        return statistics.median(self.raw_us)

    @property
    def service_p99(self) -> float:
        return percentile(self.service_us, 99)

    @property
    def raw_p99(self) -> float:
        return percentile(self.raw_us, 99)

    @property
    def ratio_median(self) -> float:
        return self.service_median / self.raw_median

    @property
    def ratio_p99(self) -> float:
        return self.service_p99 / self.raw_p99

    def checks(self) -> list[tuple[str, bool]]:
        out = []
        if self.ratio_target is not None:
            out.append((f"median ratio {self.ratio_median:.2f} <= {self.ratio_target:g}",
                        self.ratio_median <= self.ratio_target))
        if self.p99_target_ms is not None:
            out.append((f"p99 {self.service_p99 / 1000:.3f} ms <= {self.p99_target_ms:g} ms",
                        self.service_p99 / 1000 <= self.p99_target_ms))
        return out

    @property
    def passed(self) -> bool:
        return all(ok for _, ok in self.checks())


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter_ns()
    fn()
    return (time.perf_counter_ns() - t0) / 1000.0


# --- report -------------------------------------------------------------------------------------


def _ms(us: float) -> str:
    return f"{us / 1000:8.3f}"


def format_comparison(c: Comparison) -> str:
    lines = [
        f"{c.name}  ({len(c.service_us):,} service / {len(c.raw_us):,} raw samples)"
        + (f"  -- {c.note}" if c.note else ""),
        f"    service  median {_ms(c.service_median)} ms   p99 {_ms(c.service_p99)} ms",
        f"    raw      median {_ms(c.raw_median)} ms   p99 {_ms(c.raw_p99)} ms",
        f"    ratio    median {c.ratio_median:8.2f}      p99 {c.ratio_p99:8.2f}",
    ]
    lines += [f"    {'PASS' if ok else 'MISS'}  {text}" for text, ok in c.checks()]
    return "\n".join(lines)


def summary_table(results: Sequence[Comparison]) -> str:
    head = (f"{'measure':<15}{'svc med ms':>11}{'svc p99 ms':>11}{'raw med ms':>11}{'raw p99 ms':>11}"
            f"{'ratio med':>10}{'ratio p99':>10}{'p99 max':>9}{'ratio max':>10}  result")
    rows = [head, "-" * len(head)]
    for c in results:
        rows.append(
            f"{c.name:<15}{c.service_median / 1000:>11.3f}{c.service_p99 / 1000:>11.3f}{c.raw_median / 1000:>11.3f}"
            f"{c.raw_p99 / 1000:>11.3f}{c.ratio_median:>10.2f}{c.ratio_p99:>10.2f}"
            + (f"{c.p99_target_ms:>7g}ms{c.ratio_target:>10g}  {'PASS' if c.passed else 'MISS'}"
               if c.p99_target_ms is not None and c.ratio_target is not None else f"{'-':>9}{'-':>10}  info")
        )
    return "\n".join(rows)


def machine() -> str:
    """Timings on a shared machine mean little without its load."""
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return f"{os.cpu_count()} CPUs, load average {load}, SQLite {sqlite3.sqlite_version}"
