"""The status bar: online / offline / standalone, events waiting to be sent, age of the last
successful sync, who is signed in. Polled through the worker (ui.ops), never on the GUI thread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from terminal import clock as clocks
from terminal.services.context import Terminal
from ui import labels
from ui.ops import Runner
from ui.sync_status import StatusSource

POLL_MS = 5000


class StatusBar(QStatusBar):
    def __init__(self, t: Terminal, runner: Runner, source: StatusSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.t, self.runner, self.source = t, runner, source
        self.status: dict[str, Any] | None = None
        self.now: datetime | None = None
        self._polling = False
        self._again = False
        self.online = QLabel()
        self.online.setObjectName("statusStandalone")
        self.waiting = QLabel()
        self.last_sync = QLabel()
        self.staff = QLabel()
        for w in (self.online, self.waiting, self.last_sync):
            self.addWidget(w)
        self.addPermanentWidget(self.staff)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

    def start(self) -> None:
        self.timer.start()
        self.poll()

    def set_source(self, source: StatusSource) -> None:
        """Plug in another source (the sync loop's) and show it now."""
        self.source = source
        self.poll()

    def poll(self) -> None:
        if self._polling:
            self._again = True  # something changed meanwhile: look again after this one
            return
        self._polling = True
        self._again = False
        source, t = self.source, self.t
        self.runner.run(lambda: (source(), t.now()), self._shown, self._failed)

    def _shown(self, result: tuple[dict[str, Any], datetime]) -> None:
        self._polling = False
        self.status, self.now = result
        self._render()
        if self._again:
            self.poll()

    def _failed(self, exc: BaseException) -> None:
        self._polling = False
        self.online.setText(self.tr("Sync status unknown"))
        if self._again:
            self.poll()

    def set_staff(self, text: str) -> None:
        self.staff.setText(text)

    def _render(self) -> None:
        s, now = self.status, self.now
        if s is None or now is None:
            return
        if not s.get("configured", True):
            self.online.setText(self.tr("● Standalone (no head office)"))
            name = "statusStandalone"
        elif s.get("online"):
            self.online.setText(self.tr("● Online"))
            name = "statusOnline"
        else:
            self.online.setText(self.tr("● Offline: sales are kept and sent later"))
            name = "statusOffline"
        if self.online.objectName() != name:
            self.online.setObjectName(name)
            self.online.style().unpolish(self.online)
            self.online.style().polish(self.online)
        error = s.get("last_error")
        if isinstance(error, dict):  # the sync replica's shape: {code, message, at}
            error = error.get("message") or error.get("code")
        self.online.setToolTip(str(error or ""))
        self.waiting.setText(self.tr("Events waiting: %1").replace("%1", f"{int(s.get('events_waiting') or 0):,}"))
        last = s.get("last_success")
        if isinstance(last, str):  # ISO text (the store's form) or a datetime
            last = clocks.from_text(last)
        self.last_sync.setText(self.tr("Last sync: %1").replace("%1", labels.age(last, now)))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._render()
        super().changeEvent(event)
