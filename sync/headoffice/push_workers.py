"""Push bodies read in worker processes (`pos-headoffice serve --push-workers N`).

Reading a push (canonical.read: the body against the schema, each payload's canonical JSON and
body hash: ingest.prepare) is most of its Python work, and it needs no database: while tills push
at once, one server process read their bodies one at a time, holding its interpreter, and the
other core waited. Here worker processes read them side by side, and the server only stores what
they give back (ingest.store, one push at a time as before). A refusal raised in a worker (422,
413, 403, 409) is the server's answer, as if raised in it.

A push with no other push in flight is read in its request, as is a small body: a worker only
adds its round trip then (sending the body, and the rows back) while the server has nothing
else to do. So is every body while no worker is there (a worker that died: helper_pool.py).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import Any

from sync.headoffice import ingest
from sync.headoffice.db import Database
from sync.headoffice.helper_pool import HelperPool

log = logging.getLogger("pos-headoffice")

SMALL = 64 * 1024  # bytes: a body this small is read in the request


def _load() -> None:
    """A worker's setup: importing this module imported what reading a push needs."""


class PushWorkers:
    def __init__(self, workers: int = 2) -> None:
        self.pool = HelperPool("push workers", workers, _load)
        self._lock = threading.Lock()
        self._in_flight = 0

    def start(self) -> None:
        self.pool.start()

    def stop(self) -> None:
        self.pool.stop()

    def push(self, db: Database, who: Any, body: bytes, now: datetime) -> ingest.Pushed:
        """ingest.push(), its body read in a worker while another push is in flight."""
        with self._lock:
            self._in_flight += 1
            alone = self._in_flight == 1
        try:
            return ingest.store(db, who, self.prepare(who.terminal_id, body, now, alone), now)
        finally:
            with self._lock:
                self._in_flight -= 1

    def prepare(self, terminal_id: str, body: bytes, now: datetime, alone: bool = False) -> ingest.Prepared:
        """ingest.prepare(), in a worker unless the push is `alone` or its body small."""
        if not alone and len(body) > SMALL and (future := self.pool.submit(ingest.prepare, terminal_id, body, now)) is not None:
            try:
                return future.result()
            except BrokenProcessPool:  # the worker died under it: read here (the next push starts new workers)
                log.warning("a push worker died while reading a push; reading it in the request")
        return ingest.prepare(terminal_id, body, now)
