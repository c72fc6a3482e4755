"""Pull pages built ahead, in worker processes (`pos-headoffice serve --pull-workers N`).

A terminal catching up asks for page after page of the change feed, each request sent when the
page before arrives. Building a page (up to `limit` member snapshots, pull.page) is Python work
that holds the server's interpreter, so the server built one page at a time and the other core
waited. Here, when a page is asked for, the feed says where the next AHEAD pages will start
(feed.bounds), and worker processes build them at once, each as any request builds a page
(pull.built: one read transaction). The terminal's next request then finds its page built, or
being built.

A page built ahead is served only to the terminal it was built for, for exactly the cursor and
limit it asks, once, within MAX_AGE_S, and only if it may answer this request (pull.Built.answers:
a page that says `more`, or a last page built with every event stored before the request
applied), as pull.changes decides for a page it builds. Otherwise, or if its worker failed, the
page is built here, in the request, as pull.changes builds it. A worker that dies
(killed, out of memory) costs no pull: the pages are built in the requests until a new set of
workers has started.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future
from datetime import datetime

from sync.headoffice import feed, projector, pull
from sync.headoffice.db import Database
from sync.headoffice.helper_pool import HelperPool

log = logging.getLogger("pos-headoffice")

AHEAD = 2  # pages built ahead of each request
NICE = 10  # the workers' priority below the server's: pages built ahead are speculative, and the
# projector, whose work a terminal's last page waits for, goes first (projector_process.py)
MAX_AGE_S = 30.0
WAIT_S = 30.0  # at most, for a page being built ahead

_db: Database | None = None  # a worker's own connection


def _open(url: str) -> None:
    global _db
    _db = Database(url)


def _build(terminal_id: str, cursor: int, limit: int, now: datetime) -> pull.Built:
    assert _db is not None
    return pull.built(_db, terminal_id, cursor, limit, now)


class PagesAhead:
    """Serves pull pages (bytes), building the next ones in `workers` processes."""

    def __init__(self, db: Database, workers: int = 2) -> None:
        self._db = db
        self.pool = HelperPool("pull page workers", workers, _open, (db.url,), nice=NICE)
        self._lock = threading.Lock()
        self._ahead: dict[tuple[str, int, int], tuple[Future[pull.Built], float]] = {}

    def start(self) -> None:
        self.pool.start()

    def stop(self) -> None:
        self.pool.stop()
        with self._lock:
            self._ahead.clear()

    def changes(self, terminal_id: str, cursor: int, limit: int, now: datetime) -> bytes:
        """GET /v1/changes, as pull.changes answers it."""
        with self._db.read() as tx:
            stored = projector.stored_upto(tx)
            starts = feed.bounds(tx, cursor, limit, AHEAD)
        ready = self._plan(terminal_id, cursor, limit, starts, now)
        if ready is not None:
            try:
                page = ready.result(timeout=WAIT_S)
                if page.answers(stored):
                    return page.body
            except Exception:  # a worker that died, failed or is stuck: the page is built here
                log.exception("a pull page built ahead failed")
        return pull.changes(self._db, terminal_id, cursor, limit, now)

    def _plan(self, terminal_id: str, cursor: int, limit: int, starts: list[int],
              now: datetime) -> Future[pull.Built] | None:
        """Take this request's page if it was built ahead; keep (or start) the builds of the pages
        at `starts` for this terminal, and drop its others."""
        clock = time.monotonic()
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
                elif (future := self.pool.submit(_build, terminal_id, start, limit, now)) is not None:
                    self._ahead[key] = (future, clock)
            for dropped, _ in mine.values():
                dropped.cancel()
        if taken is None or clock - taken[1] > MAX_AGE_S:
            return None
        return taken[0]
