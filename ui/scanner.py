"""Scan detection. A USB scanner is a keyboard: it types its code fast and ends with Enter. An
event filter on the application holds printable keys while they come in a fast burst; a burst of at
least MIN_CHARS keys, no gap above MAX_GAP_MS, ending in Enter anywhere on the screen, is a scan
(`scanned(text)`), and none of its keys reach a widget. Anything else (a person typing) is handed
on to the widget it was meant for, in order, as soon as it is clear it is not a scan.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

MIN_CHARS = 8
MAX_GAP_MS = 30
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_PLAIN = (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.KeypadModifier)


@dataclass
class _Held:
    target: weakref.ref[QObject]
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class ScanDetector(QObject):
    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, min_chars: int = MIN_CHARS,
                 max_gap_ms: int = MAX_GAP_MS) -> None:
        super().__init__(parent)
        self.min_chars = min_chars
        self.max_gap = max_gap_ms / 1000
        self._held: list[_Held] = []
        self._last = 0.0
        self._replaying = False
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self.flush)

    def install(self, app: QApplication) -> None:
        app.installEventFilter(self)

    # -- the filter -----------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        etype = event.type()
        if etype not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or self._replaying:
            return False
        if not isinstance(obj, QWidget) or not self._is_target(obj):
            return False  # the QWindow copy, or the same event propagating to a parent
        assert isinstance(event, QKeyEvent)
        # The window system's time of the key (ms) when it has one: a GUI thread busy for a moment
        # must not split a burst. Synthesized keys (tests) carry 0: then the time we see them.
        now = event.timestamp() / 1000 if event.timestamp() else time.monotonic()
        if self._held and now - self._last > self.max_gap:
            self.flush()  # too slow for a scanner: what was held was typed by a person
        if etype == QEvent.Type.KeyRelease:
            # Releases of held keys are dropped; the replay sends press and release together.
            return bool(self._held) and not event.isAutoRepeat() and self._printable(event)
        if event.isAutoRepeat():
            self.flush()
            return False
        if event.key() in _ENTER and event.modifiers() in _PLAIN:
            if len(self._held) >= self.min_chars:
                text = "".join(h.text for h in self._held)
                self._held.clear()
                self._flush_timer.stop()
                self.scanned.emit(text)
                return True
            self.flush()
            return False
        if not self._printable(event):
            self.flush()
            return False
        self._held.append(_Held(weakref.ref(obj), event.key(), event.modifiers(), event.text()))
        self._last = now
        self._flush_timer.start(int(self.max_gap * 1000) + 5)
        return True

    @staticmethod
    def _printable(event: QKeyEvent) -> bool:
        text = event.text()
        return (len(text) == 1 and text.isprintable() and text.isascii()
                and event.modifiers() in _PLAIN)

    @staticmethod
    def _is_target(widget: QWidget) -> bool:
        focus = QApplication.focusWidget()
        return focus is None or focus is widget

    def flush(self) -> None:
        """Hand the held keys on to the widgets they were typed into."""
        self._flush_timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for h in held:
                target = h.target()
                if target is None:
                    continue
                for etype in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(etype, h.key, h.modifiers, h.text))
        finally:
            self._replaying = False


def scan_field(edit: QLineEdit) -> QLineEdit:
    """A field scans and codes are typed into: no input method (a Chinese IME would swallow the
    scanner's keys), Latin input hints."""
    edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    edit.setInputMethodHints(Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhNoPredictiveText)
    return edit
