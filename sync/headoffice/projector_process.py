"""The projector in a process of its own, beside the server (`pos-headoffice serve`).

In the server's process the projector shares one interpreter with the pushes it follows, so it
waits for them to pause (projector.Background). In a process of its own it runs beside them on
another core: whenever events wait, in chunks of CHUNK events, at a lower scheduling priority
(NICE), and waiting between chunks while several pushes are in flight (a server that busy keeps
the CPU first; one till catching up leaves room). The work and its guarantees are projector.py's:
each chunk is one write transaction that moves the cursor, so an event is applied exactly once
whoever applies it (this process, or a pull catching up first in the server's).

The server pokes it after each push (a multiprocessing Event); it also looks every POLL_S. It is
started with the server's lifespan and stopped with it; it dies with its parent (daemon process,
and it checks that its parent is alive).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import Iterator
from typing import Any

from sync.headoffice import projector

log = logging.getLogger("pos-headoffice")

POLL_S = 1.0
READY_S = 60.0
NICE = 10
BUSY = 2  # pushes in flight at which the projector waits
MAX_YIELD_S = 30.0
CHUNK = {"sqlite": 5_000, "postgresql": 5_000}


def _yield_to_pushes(pushing: Any, stop: Any) -> None:
    """While the server has BUSY pushes or more in flight (tills pushing at once: it is busy), wait,
    at most MAX_YIELD_S (the work is the same later, and readers catch up themselves); one till
    catching up leaves room, and the projector runs beside it."""
    deadline = time.monotonic() + MAX_YIELD_S
    while pushing.value >= BUSY and not stop.is_set() and time.monotonic() < deadline:
        time.sleep(0.01)


def _run(url: str, wake: Any, stop: Any, pushing: Any, parent: int, nice: int, ready: Any) -> None:
    try:
        os.nice(nice)
    except OSError:
        pass
    from sync.headoffice.db import Database

    db = Database(url)
    ready.set()
    limit = CHUNK[db.backend]
    while not stop.is_set() and os.getppid() == parent:
        wake.wait(POLL_S)
        wake.clear()
        try:
            while not stop.is_set():
                _yield_to_pushes(pushing, stop)
                if not projector.project_chunk(db, None, limit):
                    break
        except Exception:  # logged; the next poke or poll tries again
            log.exception("projector failed")
            time.sleep(1.0)
    db.close()


class Process:
    """projector.Background's interface (start, stop, poke, pushing) over a child process."""

    def __init__(self, url: str, nice: int = NICE) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._ctx = ctx
        self._url = url
        self._nice = nice
        self._wake = ctx.Event()
        self._stop = ctx.Event()
        self._pushing = ctx.Value("i", 0)  # the server's pushes in flight
        self._proc: Any = None

    def start(self) -> None:
        self._stop.clear()
        ready = self._ctx.Event()
        self._proc = self._ctx.Process(target=_run, name="ho-projector", daemon=True,
                                       args=(self._url, self._wake, self._stop, self._pushing, os.getpid(), self._nice,
                                             ready))
        self._proc.start()
        if not ready.wait(READY_S):  # a server answers once it is ready, not while its helpers still load
            log.warning("the projector process is not ready after %s s", READY_S)
        self.poke()  # events stored before a restart

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._proc is not None:
            self._proc.join(timeout)
            if self._proc.is_alive():
                self._proc.terminate()
                self._proc.join(5.0)

    def poke(self) -> None:
        self._wake.set()

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
