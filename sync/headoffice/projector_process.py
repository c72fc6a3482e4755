"""The projector in a process of its own, beside the server (`pos-headoffice serve`).

In the server's process the projector shares one interpreter with the pushes it follows, so it
waits for them to pause (projector.Background). In a process of its own it runs beside them on
another core: whenever events wait, in chunks of CHUNK events, waiting between chunks while
several pushes are in flight (a server that busy keeps the CPU first; one till catching up leaves
room). It runs at the server's priority: it is the one chain of work a catching-up terminal's
last pull page waits for, while the pull page workers, which build pages speculatively beside
it, run below (pages_ahead.NICE). At a lower priority than theirs it was starved while the
terminal pulled the pages of what it had applied (pull.py), and the last page waited for it the
longer. The work and its guarantees are projector.py's:
each chunk is one write transaction that moves the cursor, so an event is applied exactly once
whoever applies it (this process, or a pull in the server's, catching up before its last page).

The server pokes it after each push (a shared counter it looks at every WAKE_S while idle); it
also looks for events every POLL_S. It is
started with the server's lifespan and stopped with it; it dies with its parent (daemon process,
and it checks that its parent is alive); if it ends before the server, the next poke starts it
again.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

from sync.headoffice import projector

log = logging.getLogger("pos-headoffice")

POLL_S = 1.0
READY_S = 60.0
RESTART_S = 5.0
BUSY = 2  # pushes in flight at which the projector waits
MAX_YIELD_S = 30.0
CHUNK = {"sqlite": 5_000, "postgresql": 5_000}


# Shared flags (a lock-free array: a process killed while holding a lock, which a multiprocessing
# Event takes inside, would hang the server on its next poke or at its stop).
WAKE, STOP, READY = range(3)
WAKE_S = 0.05  # how often an idle projector looks for a poke


def _yield_to_pushes(pushing: Any, flags: Any) -> None:
    """While the server has BUSY pushes or more in flight (tills pushing at once: it is busy), wait,
    at most MAX_YIELD_S (the work is the same later, and readers catch up themselves); one till
    catching up leaves room, and the projector runs beside it."""
    deadline = time.monotonic() + MAX_YIELD_S
    count = pushing.get_obj()  # read without its lock, which only the server takes
    while count.value >= BUSY and not flags[STOP] and time.monotonic() < deadline:
        time.sleep(0.01)


def _run(url: str, flags: Any, pushing: Any, parent: int) -> None:
    from sync.headoffice.db import Database

    db = Database(url)
    flags[READY] = os.getpid()
    limit = CHUNK[db.backend]
    seen = None
    while not flags[STOP] and os.getppid() == parent:
        deadline = time.monotonic() + POLL_S
        while flags[WAKE] == seen and not flags[STOP] and time.monotonic() < deadline:
            time.sleep(WAKE_S)
        seen = flags[WAKE]
        try:
            while not flags[STOP]:
                _yield_to_pushes(pushing, flags)
                if not projector.project_chunk(db, None, limit):
                    break
        except Exception:  # logged; the next poke or poll tries again
            log.exception("projector failed")
            time.sleep(1.0)
    db.close()


class Process:
    """projector.Background's interface (start, stop, poke, pushing) over a child process."""

    def __init__(self, url: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._ctx = ctx
        self._url = url
        self._flags = ctx.RawArray("q", 3)  # WAKE (pokes so far), STOP, READY (the pid, once ready)
        self._pushing = ctx.Value("i", 0)  # the server's pushes in flight
        self._proc: Any = None
        self._restarted_at = -RESTART_S
        self._restarting = threading.Lock()

    def start(self) -> None:
        self._flags[STOP] = 0
        proc = self._spawn()
        deadline = time.monotonic() + READY_S
        while self._flags[READY] != proc.pid and proc.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)  # a server answers once it is ready, not while its helpers still load
        if self._flags[READY] != proc.pid:
            log.warning("the projector process is not ready after %s s", READY_S)
        self.poke()  # events stored before a restart

    def _spawn(self) -> Any:
        self._proc = self._ctx.Process(target=_run, name="ho-projector", daemon=True,
                                       args=(self._url, self._flags, self._pushing, os.getpid()))
        self._proc.start()
        return self._proc

    def stop(self, timeout: float = 30.0) -> None:
        self._flags[STOP] = 1
        if self._proc is not None:
            self._proc.join(timeout)
            if self._proc.is_alive():
                self._proc.terminate()
                self._proc.join(5.0)

    def poke(self) -> None:
        """Wake the projector; start it again if it has ended (killed, say: pulls would still apply
        the events, but nothing in the background would), at most once every RESTART_S."""
        proc = self._proc
        if proc is not None and not proc.is_alive() and not self._flags[STOP]:
            with self._restarting:
                if self._proc is proc and time.monotonic() - self._restarted_at >= RESTART_S:
                    log.warning("the projector process ended (exit code %s): starting it again", proc.exitcode)
                    proc.join(0)
                    self._restarted_at = time.monotonic()
                    self._spawn()  # not waited for: a push is waiting on this
        self._flags[WAKE] += 1  # a hint: two pokes at once may count as one, and either wakes it

    @contextlib.contextmanager
    def pushing(self) -> Iterator[None]:
        with self._pushing.get_lock():
            self._pushing.value += 1
        try:
            yield
        finally:
            with self._pushing.get_lock():
                self._pushing.value -= 1
            self.poke()
