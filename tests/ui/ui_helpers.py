"""Driving the app as a person (or a scanner) would."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from storetime import at  # noqa: F401  (tests take store time from here)

PIN = "1234"
SCANNER_DELAY_MS = 1  # a USB scanner: a few ms between keys
PERSON_DELAY_MS = 80  # a fast typist: ~80-150 ms between keys


def sign_in(qtbot, w, staff_id: str = "admin", pin: str = PIN) -> None:
    """By keyboard: staff id, Enter, PIN, Enter; wait for the checkout screen."""
    w.signin.staff.setFocus()
    QTest.keyClicks(w.signin.staff, staff_id)
    QTest.keyClick(w.signin.staff, Qt.Key.Key_Return)
    QTest.keyClicks(w.signin.pin, pin)
    QTest.keyClick(w.signin.pin, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.page or (
        w.signin.button.isEnabled() and w.signin.message.text() != ""), timeout=10_000)
    assert w.stack.currentWidget() is w.page, w.signin.message.text()


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def key(k: Qt.Key, text: str = "") -> None:
    """A key press where the keyboard focus is (as a person presses it)."""
    QTest.keyClick(focused(), k)


def type_text(text: str, delay_ms: int = PERSON_DELAY_MS) -> None:
    QTest.keyClicks(focused(), text, Qt.KeyboardModifier.NoModifier, delay_ms)


def quiet() -> None:
    """Finish deleting what earlier tests left (a burst must not stall on it: a stall is a gap)."""
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()


def scanner_keys(widget: QWidget, text: str, enter: bool = True) -> None:
    """A USB scanner typing `text` (then Enter) into `widget`: key events carrying the keyboard's
    times, SCANNER_DELAY_MS apart, as a window system stamps them (ui/scanner.py reads those), sent
    one after another. A test process that the machine stalls for a moment (a loaded CI box) still
    types at scanner speed, as a real scanner's keys keep their times however late the GUI reads them."""
    quiet()
    stamp = int(time.monotonic() * 1000)  # the clock ui/scanner.py falls back on for unstamped keys
    keys = [(Qt.Key(ord(ch.upper())), ch) for ch in text]
    if enter:
        keys.append((Qt.Key.Key_Return, "\r"))
    for k, ch in keys:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, k, Qt.KeyboardModifier.NoModifier, ch)
            event.setTimestamp(stamp)
            QApplication.sendEvent(widget, event)
        stamp += SCANNER_DELAY_MS


def scan(text: str) -> None:
    """A scanner: the whole code at scanner speed, then Enter, into whatever has the focus."""
    scanner_keys(focused(), text)


def settle(qtbot, w, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: w.session.settled and not w.runner.busy, timeout=timeout)
