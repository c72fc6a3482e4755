"""Sign-in: wrong PINs say how many tries are left, a locked account says until when; the role
decides what is offered; sign out goes back to sign-in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from terminal.services import staff
from ui.settings_dialog import SettingsDialog
from ui_helpers import key, sign_in


def attempt(qtbot, w, staff_id: str, pin: str) -> str:
    w.signin.staff.setText(staff_id)
    w.signin.pin.setText(pin)
    w.signin.submit()
    qtbot.waitUntil(lambda: w.signin.button.isEnabled() and w.signin.message.text() not in ("", "正在验证…"))
    return w.signin.message.text()


def test_wrong_pins_then_lockout_are_shown_plainly(qtbot, window, term, admin):
    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    assert attempt(qtbot, window, "c01", "0000") == "员工号或密码错误（还可尝试 4 次）"
    for _ in range(3):
        attempt(qtbot, window, "c01", "0000")
    assert attempt(qtbot, window, "c01", "0000") == "账号已锁定，请于 10:15 后重试"
    assert attempt(qtbot, window, "c01", "5678").startswith("账号已锁定")
    assert window.stack.currentWidget() is window.signin


def test_cashier_is_not_offered_the_catalog_import_and_signs_out(qtbot, window, term, admin):
    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    sign_in(qtbot, window, "c01", "5678")
    assert window.status.staff.text() == "小李（收银员）"
    key(Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.import_button.isHidden()
    dialog.reject()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.page.member.focus_query()
    key(Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.signin)
    assert window.session.actor is None


def test_manager_is_offered_the_catalog_import(qtbot, signed_in):
    key(Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog))
    assert not QApplication.activeModalWidget().import_button.isHidden()
