"""Worker processes beside the server (pull pages built ahead, push bodies read): a pool of spawned
processes that start with the server, say when they are ready, and end with it.

- `start()` waits (at most READY_S) until each worker has run its setup: a server answers once
  its helpers are ready, not while they still import.
- Each worker watches its parent: a server killed outright leaves no worker behind.
- `submit()` gives None when there is no pool (stopped), or when a worker has died (killed, out
  of memory): the pool is then dropped and a new one started by the next `submit()`, so the
  caller does the work itself meanwhile. A dead worker costs no request.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Callable

log = logging.getLogger("pos-headoffice")

READY_S = 60.0


def _start(parent: int, started: Any, setup: Callable[..., None] | None, args: tuple[Any, ...], nice: int) -> None:
    """A worker's start: its priority, its setup, a watch that ends it with the server, then it
    says it is ready."""
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    if setup is not None:
        setup(*args)
    started.put(os.getpid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _ready() -> bool:
    return True


class HelperPool:
    """`workers` spawned processes, each set up by `setup(*args)` (a module-level function), at
    `nice` below the server's scheduling priority."""

    def __init__(self, name: str, workers: int, setup: Callable[..., None] | None = None,
                 args: tuple[Any, ...] = (), *, nice: int = 0) -> None:
        self.name = name
        self.nice = nice
        self.workers = workers
        self._setup = setup
        self._args = args
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._started: Any = None  # workers say they are ready here
        self._stopped = False

    def start(self) -> None:
        pool = self._pool_now()
        if pool is None:
            return
        for _ in range(self.workers):
            pool.submit(_ready)  # a pool starts a worker for a task no idle worker takes
        try:
            for _ in range(self.workers):
                self._started.get(timeout=READY_S)
        except queue.Empty:
            log.warning("%s not ready after %s s", self.name, READY_S)

    def _pool_now(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._stopped:
                return None
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")
                self._started = ctx.Queue()
                self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_start,
                                                 initargs=(os.getpid(), self._started, self._setup, self._args, self.nice))
            return self._pool

    def processes(self) -> list[Any]:
        """The workers' multiprocessing.Process objects (for tests and accounting)."""
        pool = self._pool
        return list(pool._processes.values()) if pool is not None and pool._processes else []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any] | None:
        """fn(*args) in a worker; None if there is no pool now (the caller does it itself)."""
        pool = self._pool_now()
        if pool is None:
            return None
        try:
            return pool.submit(fn, *args)
        except BrokenProcessPool:  # a worker died (its future, if any was waited on, said so too)
            self._drop(pool)
            return None

    def _drop(self, pool: ProcessPoolExecutor) -> None:
        """A worker of `pool` died: the next submit() starts a new pool."""
        with self._lock:
            if self._pool is not pool:
                return
            self._pool = None
        log.warning("a worker of the %s died; starting them again", self.name)
        pool.shutdown(wait=False, cancel_futures=True)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
