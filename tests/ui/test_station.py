"""The manager's station: F9 opens it for managers and admins, Esc returns to the checkout; a
cashier never sees the button and F9 tells them plainly; signing out removes the station."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from terminal.services import staff
from ui_helpers import sign_in


def test_f9_opens_the_station_for_an_admin_and_esc_goes_back(qtbot, signed_in):
    w = signed_in
    assert w.page.buttons["manage"].isVisible()
    QTest.keyClick(w, Qt.Key.Key_F9)
    assert w.stack.currentWidget() is w.station
    QTest.keyClick(QApplication.focusWidget() or w.station, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.page)


def test_a_cashier_has_no_station(qtbot, window, term, admin):
    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    sign_in(qtbot, window, "c01", "5678")
    assert window.station is None
    assert not window.page.buttons["manage"].isVisible()
    QTest.keyClick(window, Qt.Key.Key_F9)
    assert window.stack.currentWidget() is window.page
    boxes = [b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()]
    assert len(boxes) == 1
    box = boxes[0]
    assert "manager" in box.text().lower() or "店长" in box.text()


def test_signing_out_removes_the_station(qtbot, signed_in):
    w = signed_in
    station = w.station
    assert station is not None and w.stack.indexOf(station) >= 0
    w._sign_out()
    assert w.station is None and w.stack.indexOf(station) < 0


def test_a_card_scanned_on_the_station_opens_that_member(qtbot, signed_in, term, admin):
    from terminal.services import card_service, members
    from ui_helpers import scan

    w = signed_in
    members.register(term, admin, "13900001111", name="王芳")
    card = card_service.issue(term, admin, "13900001111")
    QTest.keyClick(w, Qt.Key.Key_F9)
    w.station.tabs.setCurrentWidget(w.station.staff)  # on another tab: the scan still finds the member
    scan(card.payload)
    tab = w.station.members
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.page and tab.page.name.text() == "王芳", timeout=10_000)
    assert w.station.tabs.currentWidget() is tab
