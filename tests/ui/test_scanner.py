"""A scan is a fast burst of keys ending in Enter, anywhere; a person typing is not a scan and
what they type reaches the field as typed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

import pytest

from ui.scanner import ScanDetector
from ui_helpers import PERSON_DELAY_MS, quiet, scanner_keys

CODE = "6901000000011"


@pytest.fixture
def field(qtbot, qapp):
    box = QWidget()
    edit = QLineEdit()
    QVBoxLayout(box).addWidget(edit)
    qtbot.addWidget(box)
    box.show()
    box.activateWindow()
    qtbot.waitExposed(box)
    edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit)
    detector = ScanDetector(box)
    detector.install(qapp)
    scans: list[str] = []
    detector.scanned.connect(scans.append)
    entered: list[str] = []
    edit.returnPressed.connect(lambda: entered.append(edit.text()))
    quiet()
    yield edit, scans, entered
    qapp.removeEventFilter(detector)


def test_a_burst_at_scanner_speed_is_a_scan(qtbot, field):
    edit, scans, entered = field
    scanner_keys(edit, CODE)
    assert scans == [CODE]
    assert edit.text() == "" and entered == []  # none of its keys reached the field


def test_the_same_keys_at_a_persons_speed_are_typing(qtbot, field):
    edit, scans, entered = field
    QTest.keyClicks(edit, CODE, Qt.KeyboardModifier.NoModifier, PERSON_DELAY_MS)
    QTest.keyClick(edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, PERSON_DELAY_MS)
    assert scans == []
    assert entered == [CODE] and edit.text() == CODE


def test_a_short_fast_burst_is_typing_in_order(qtbot, field):
    edit, scans, entered = field
    scanner_keys(edit, "5678")
    assert scans == [] and entered == ["5678"]


def test_a_fast_burst_without_enter_is_handed_on(qtbot, field):
    edit, scans, entered = field
    scanner_keys(edit, CODE, enter=False)
    qtbot.waitUntil(lambda: edit.text() == CODE)
    assert scans == []


def test_a_scan_on_the_checkout_finds_the_member_wherever_the_focus_is(qtbot, signed_in, term, admin):
    from terminal.services import card_service, members

    w = signed_in
    members.register(term, admin, "13812345678", name="张伟")
    payload = card_service.issue(term, admin, "13812345678").payload
    w.page.cart.focus_amount()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.page.cart.amount)
    quiet()
    scanner_keys(w.page.cart.amount, payload)
    qtbot.waitUntil(lambda: w.session.member is not None)
    assert w.page.cart.amount.text() == "" and w.session.lines == []
