"""The background sync loop the app (and `pos-terminal sync`) runs: a plain thread and an Event.

It opens its own Terminal (its own SQLite connection: a connection shared with the GUI thread
would mix the two threads' transactions), syncs every `interval` seconds, backs off exponentially
with jitter while head office is unreachable, and calls `on_status(status)` from its thread when
the status changes. A Qt app re-emits that as a signal so widgets update on the GUI thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from typing import Any

from sync.client import SyncClient
from terminal.errors import PosError
from terminal.services import replica
from terminal.services.context import Terminal

log = logging.getLogger("pos-terminal.sync")

StatusCallback = Callable[[dict[str, Any]], None]


def backoff_delay(failures: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after `failures` failures in a row: base, 2*base, 4*base ... up to cap,
    each scaled by a random factor in [0.5, 1) so many tills do not retry in step."""
    step = min(cap, base * (2 ** max(0, failures - 1)))
    return step * (0.5 + rand() / 2)


class SyncLoop:
    def __init__(self, open_terminal: Callable[[], Terminal], *, base_url: str | None = None,
                 interval: float = 30.0, retry_base: float = 5.0, max_backoff: float = 300.0,
                 on_status: StatusCallback | None = None,
                 client_factory: Callable[[Terminal], SyncClient] | None = None) -> None:
        self._open = open_terminal
        self.interval = interval
        self.retry_base = retry_base
        self.max_backoff = max_backoff
        self.on_status = on_status
        self._client_factory = client_factory or (lambda t: SyncClient(t, base_url))
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.failures = 0
        self.attempts = 0
        self.status: dict[str, Any] | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pos-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait (a request in flight ends within its timeouts)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def sync_now(self) -> None:
        """Wake the loop for an attempt now (e.g. after a sale, or the cashier's retry button)."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def next_delay(self) -> float:
        if self.failures == 0:
            return self.interval
        return backoff_delay(self.failures, self.retry_base, self.max_backoff)

    def _run(self) -> None:
        try:
            t = self._open()
        except Exception:
            log.exception("sync loop could not open the terminal")
            return
        try:
            client = self._client_factory(t)
            while not self._stop.is_set():
                self._attempt(t, client)
                self._wake.wait(self.next_delay())
                self._wake.clear()
        finally:
            t.store.close()

    def _attempt(self, t: Terminal, client: SyncClient) -> None:
        self.attempts += 1
        try:
            client.sync_once()
            self.failures = 0
        except PosError as exc:
            self.failures += 1
            log.info("sync failed (%s): %s", exc.code, exc.message("en"))
        except Exception:  # a bug: logged with its trace, the loop goes on
            self.failures += 1
            log.exception("sync failed unexpectedly")
        try:
            status = replica.status(t, t.now())
        except Exception:
            log.exception("sync status unreadable")
            return
        comparable = {k: v for k, v in status.items() if k != "last_success_age_s"}
        previous = None if self.status is None else {k: v for k, v in self.status.items()
                                                      if k != "last_success_age_s"}
        self.status = status
        if comparable != previous and self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:
                log.exception("sync status callback failed")
