"""The one background-operation helper: every service call runs here, off the GUI thread.

`Runner.run(fn, on_done, on_error)` runs `fn()` on a single worker thread and delivers its result
(or the exception it raised) to the callbacks on the GUI thread, through a queued signal. One
worker, so calls on the terminal's one SQLite connection never interleave and run in the order
asked. `fn` never touches a widget; the callbacks may, and nothing else does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal, Slot

log = logging.getLogger("pos-ui")


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits, Qt queues the slot call onto the GUI thread."""

    finished = Signal(int, bool, object)

    def __init__(self, runner: Runner) -> None:
        super().__init__(runner)
        self._runner = runner
        self.finished.connect(self._deliver)

    @Slot(int, bool, object)
    def _deliver(self, op_id: int, ok: bool, value: object) -> None:
        self._runner._deliver(op_id, ok, value)


class _Task(QRunnable):
    def __init__(self, op_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._op_id, self._fn, self._relay = op_id, fn, relay

    def run(self) -> None:
        try:
            value, ok = self._fn(), True
        except BaseException as exc:  # delivered to on_error on the GUI thread
            value, ok = exc, False
        self._relay.finished.emit(self._op_id, ok, value)


class Runner(QObject):
    """Runs operations one at a time on a worker thread; results come back on the GUI thread."""

    busy_changed = Signal(bool)
    delivered = Signal()  # after any operation's callback ran (tests wait on it)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one SQLite connection: one operation at a time
        self._pool.setExpiryTimeout(-1)
        self._relay = _Relay(self)
        self._pending: dict[int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]] = {}
        self._next = 0
        self._lock = threading.Lock()
        self.worker_threads: set[int] = set()  # native ids of the threads operations ran on

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Queue `fn`; returns an id. Without `on_error`, errors go to the default handler."""
        self._next += 1
        op_id = self._next
        self._pending[op_id] = (on_done, on_error)
        if len(self._pending) == 1:
            self.busy_changed.emit(True)

        def traced() -> Any:
            self.worker_threads.add(threading.get_native_id())
            return fn()

        self._pool.start(_Task(op_id, traced, self._relay))
        return op_id

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the worker is idle (shutdown only; queued callbacks still need the loop)."""
        return self._pool.waitForDone(msecs)

    def _deliver(self, op_id: int, ok: bool, value: object) -> None:
        assert on_gui_thread(), "operation results must be delivered on the GUI thread"
        on_done, on_error = self._pending.pop(op_id, (None, None))
        try:
            if ok:
                if on_done is not None:
                    on_done(value)
            elif on_error is not None:
                on_error(value)  # type: ignore[arg-type]
            else:
                default_error_handler(value)  # type: ignore[arg-type]
        finally:
            if not self._pending:
                self.busy_changed.emit(False)
            self.delivered.emit()


def default_error_handler(exc: BaseException) -> None:
    from ui.errors import show_error

    show_error(None, exc)
