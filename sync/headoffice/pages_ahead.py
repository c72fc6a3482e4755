"""Pull pages built ahead, in worker processes (`pos-headoffice serve --pull-workers N`).

A terminal catching up asks for page after page of the change feed, each request sent when the
page before arrives. Building a page (up to `limit` member snapshots, pull.page) is Python work
that holds the server's interpreter, so the server built one page at a time and the other core
waited. Here, when a page is asked for, the feed says where the next AHEAD pages will start
(feed.bounds), and worker processes build them at once, each as any request builds a page
(pull.built: one read transaction). The terminal's next request then finds its page built, or
being built.

A page built ahead is served only to the terminal it was built for, for exactly the cursor and
limit it asks, once, within MAX_AGE_S, and only if it was built at the projector's cursor as it
stands after this request's own catch-up (projector.catch_up): so a reply holds every event
stored before the request, as one built then would. Otherwise, or if its worker failed, the
page is built here, in the request. The pages are the same either way. A worker that dies
(killed, out of memory) costs no pull: the pages are built in the requests until a new set of
workers has started.
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
from datetime import datetime
from typing import Any

from sync.headoffice import feed, projector, pull
from sync.headoffice.db import Database

log = logging.getLogger("pos-headoffice")

AHEAD = 2  # pages built ahead of each request
MAX_AGE_S = 30.0
WAIT_S = 30.0  # at most, for a page being built ahead
READY_S = 60.0

_db: Database | None = None  # a worker's own connection


def _open(url: str, parent: int, started: Any) -> None:
    """A worker's start: its connection, and a watch that ends it with the server (a server killed
    outright leaves its workers waiting for work that never comes); then it says it is ready."""
    global _db
    _db = Database(url)
    started.put(os.getpid())

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _ready() -> bool:
    return _db is not None


def _build(terminal_id: str, cursor: int, limit: int, now: datetime) -> tuple[bytes, int]:
    assert _db is not None
    return pull.built(_db, terminal_id, cursor, limit, now)


class PagesAhead:
    """Serves pull pages (bytes), building the next ones in `workers` processes."""

    def __init__(self, db: Database, workers: int = 2) -> None:
        self._db = db
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._ahead: dict[tuple[str, int, int], tuple[Future[tuple[bytes, int]], float]] = {}
        self._started: Any = None  # workers say they are ready here
        self._stopped = False

    def start(self) -> None:
        """Start the workers and wait (at most READY_S) until each has imported the page code and
        connected: a server answers once it is ready, not while its helpers still load."""
        pool = self._pool_now()
        if pool is None:
            return
        for _ in range(self._workers):
            pool.submit(_ready)  # a pool starts a worker for a task no idle worker takes
        try:
            for _ in range(self._workers):
                self._started.get(timeout=READY_S)
        except queue.Empty:
            log.warning("pull page workers not ready after %s s", READY_S)

    def _pool_now(self) -> ProcessPoolExecutor | None:
        with self._lock:
            if self._stopped:
                return None
            if self._pool is None:
                ctx = multiprocessing.get_context("spawn")
                self._started = ctx.Queue()
                self._pool = ProcessPoolExecutor(self._workers, mp_context=ctx, initializer=_open,
                                                 initargs=(self._db.url, os.getpid(), self._started))
            return self._pool

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
            self._ahead.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def changes(self, terminal_id: str, cursor: int, limit: int, now: datetime) -> bytes:
        """GET /v1/changes, as pull.changes answers it."""
        projector.catch_up(self._db, now)
        with self._db.read() as tx:
            upto = projector.applied_upto(tx)
            starts = feed.bounds(tx, cursor, limit, AHEAD)
        ready = self._plan(terminal_id, cursor, limit, starts, now)
        if ready is not None:
            try:
                body, built_upto = ready.result(timeout=WAIT_S)
                if built_upto == upto:
                    return body
            except Exception:  # a worker that died, failed or is stuck: the page is built here
                log.exception("a pull page built ahead failed")
        return pull.built(self._db, terminal_id, cursor, limit, now)[0]

    def _plan(self, terminal_id: str, cursor: int, limit: int, starts: list[int],
              now: datetime) -> Future[tuple[bytes, int]] | None:
        """Take this request's page if it was built ahead; keep (or start) the builds of the pages
        at `starts` for this terminal, and drop its others."""
        pool = self._pool_now()
        clock = time.monotonic()
        broken = None
        with self._lock:
            mine = {k: v for k, v in self._ahead.items() if k[0] == terminal_id}
            for k in mine:
                del self._ahead[k]
            taken = mine.pop((terminal_id, cursor, limit), None)
            for start in starts:
                key = (terminal_id, start, limit)
                kept = mine.pop(key, None)
                if kept is not None and clock - kept[1] <= MAX_AGE_S:
                    self._ahead[key] = kept
                elif pool is not None:
                    try:
                        self._ahead[key] = (pool.submit(_build, terminal_id, start, limit, now), clock)
                    except BrokenProcessPool:  # a worker died: a new pool next time; pages are built here meanwhile
                        broken, pool = pool, None
                        if self._pool is broken:
                            self._pool = None
                        self._ahead.clear()
            for dropped, _ in mine.values():
                dropped.cancel()
        if broken is not None:
            log.warning("a pull page worker died; starting them again")
            broken.shutdown(wait=False, cancel_futures=True)
        if taken is None or clock - taken[1] > MAX_AGE_S:
            return None
        return taken[0]
