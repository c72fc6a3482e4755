"""CPU accounting for bench_sync.py: CPU seconds of processes read from /proc (Linux)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

def _proc_cpu(pid: int, children: bool = False) -> float:
    """utime + stime (+ waited-for children's) of a process, in seconds; 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid:
            out.append(int(stat.parent.name))
    return out


class CpuMeter:
    """CPU seconds of the head office process, of its helper processes, of the PostgreSQL cluster
    (postmaster, its live children and those it has reaped) and of this process (the terminals'
    side)."""

    def __init__(self, server: Any, cluster: Any | None) -> None:
        self.server_pid = server.proc.pid
        self.pg_pid = None
        if cluster is not None:
            pidfile = cluster.data / "postmaster.pid"
            try:
                self.pg_pid = int(pidfile.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                self.pg_pid = None

    def sample(self) -> dict[str, float]:
        out = {"head office": _proc_cpu(self.server_pid),
               # the projector process and the pull page workers (live for the whole run)
               "head office helpers": sum(_proc_cpu(c) for c in _children(self.server_pid)),
               "terminals (bench process)": time.process_time()}
        if self.pg_pid is not None:
            out["postgresql"] = _proc_cpu(self.pg_pid, True) + sum(_proc_cpu(c) for c in _children(self.pg_pid))
        return out

    @staticmethod
    def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        return {k: max(0.0, after[k] - before[k]) for k in after}
