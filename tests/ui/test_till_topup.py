"""At the till, a cashier sells stored value and the paid membership for the member shown (money
taken like a sale); the member panel shows the new balance and tier afterwards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from terminal.services import members, staff
from ui_helpers import key, settle, sign_in, type_text

PHONE = "13812345678"


def _find_member(qtbot, w) -> None:
    key(Qt.Key.Key_F1)
    type_text("5678")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.member is not None, timeout=10_000)
    settle(qtbot, w)


def test_a_cashier_tops_up_at_the_till(qtbot, window, term, admin):
    from ui.manager.money_dialogs import TopUpDialog

    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    members.register(term, admin, PHONE, name="张伟")
    sign_in(qtbot, window, "c01", "5678")
    w = window
    panel = w.page.member
    assert not panel.topup_button.isVisible()  # no member yet
    _find_member(qtbot, w)
    assert panel.topup_button.isVisible() and panel.membership_button.isVisible()
    panel.topup_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), TopUpDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: not w.runner.busy)
    dialog.amount.setFocus()
    QTest.keyClicks(dialog.amount, "500")
    qtbot.waitUntil(lambda: dialog.amount.text() == "500")
    with qtbot.waitSignal(dialog.done, timeout=10_000):
        dialog.confirm.click()
    qtbot.waitUntil(lambda: (w.session.member or {}).get("stored_value_fen") == 55_000, timeout=10_000)
    qtbot.waitUntil(lambda: "550.00" in panel.points.text())
    assert members.view(term, PHONE)["stored_value_fen"] == 55_000


def test_a_paid_membership_sold_at_the_till_serves_the_member_at_once(qtbot, signed_in, term, admin):
    from ui.manager.money_dialogs import MembershipDialog

    w = signed_in
    members.register(term, admin, PHONE, name="张伟")
    _find_member(qtbot, w)
    assert w.session.member["tier"] == "regular"
    w.page.member.membership_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MembershipDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: not w.runner.busy and dialog.confirm.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(dialog.done, timeout=10_000):
        dialog.confirm.click()
    paid = term.programme.paid_membership.tier
    qtbot.waitUntil(lambda: (w.session.member or {}).get("tier") == paid, timeout=10_000)
