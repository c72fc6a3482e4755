"""The station's staff and audit tabs: add staff and reset a PIN (the new PIN signs in, the old is
refused), a manager manages cashiers only, a cashier gets no station and the service refuses them
anyway; the audit tab lists entries and its chain check finds a row tampered with in SQLite."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from terminal.errors import PosError
from terminal.services import audit, staff
from ui_helpers import sign_in


def station_tab(qtbot, w, name: str):
    QTest.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.station)
    tab = getattr(w.station, name)
    w.station.tabs.setCurrentWidget(tab)
    return tab


def staff_ids(tab) -> list[str]:
    return [tab.table.item(i, 0).text() for i in range(tab.table.rowCount())]


def test_add_staff_and_reset_a_pin(qtbot, term, signed_in):
    tab = station_tab(qtbot, signed_in, "staff")
    qtbot.waitUntil(lambda: staff_ids(tab) == ["admin"])
    assert tab.table.item(0, 2).text() == "管理员" and tab.table.item(0, 3).text() == "在职"

    dialog = tab.open_add()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.staff_id)
    assert [dialog.role.itemData(i) for i in range(dialog.role.count())] == ["cashier", "manager", "admin"]
    dialog.staff_id.setText("c02")
    dialog.name.setText("小张")
    dialog.pin.setText("2580")
    dialog.again.setText("2581")
    dialog.confirm.click()
    assert "不一致" in dialog.message.text() or "same" in dialog.message.text()
    dialog.again.setText("2580")
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        dialog.confirm.click()
    assert staff_ids(tab) == ["admin", "c02"]
    assert tab.selected()["staff_id"] == "c02"  # the new one is selected
    assert staff.sign_in(term, "c02", "2580").role == "cashier"

    reset = tab.open_reset_pin()
    assert "c02" in reset.who.text() and "小张" in reset.who.text()
    reset.pin.setText("1357")
    reset.again.setText("1357")
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        QTest.keyClick(reset.again, Qt.Key.Key_Return)
    assert staff.sign_in(term, "c02", "1357").staff_id == "c02"
    with pytest.raises(PosError) as err:
        staff.sign_in(term, "c02", "2580")
    assert err.value.code == "pin_wrong"
    actions = [r["action"] for r in audit.recent(term, signed_in.signed.actor, 10)]
    assert "staff_pin_reset" in actions and "staff_added" in actions


def test_change_role_and_deactivate(qtbot, term, admin, signed_in):
    staff.add_staff(term, admin, "c03", "小王", "cashier", "4444")
    tab = station_tab(qtbot, signed_in, "staff")
    qtbot.waitUntil(lambda: "c03" in staff_ids(tab))
    tab.select("admin")
    assert tab.reset_button.isEnabled() and not tab.active_button.isEnabled()  # not oneself
    tab.select("c03")
    dialog = tab.open_role()
    dialog.role.setCurrentIndex(dialog.role.findData("manager"))
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        dialog.confirm.click()
    assert tab.selected()["role"] == "manager" and tab.table.item(staff_ids(tab).index("c03"), 2).text() == "店长"

    box = tab.toggle_active()  # asks first
    assert box is not None and "c03" in box.text()
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        box.button(box.StandardButton.Yes).click()
    row = next(r for r in tab.rows if r["staff_id"] == "c03")
    assert not row["active"] and tab.table.item(staff_ids(tab).index("c03"), 3).text() == "已停用"
    assert tab.active_button.text() == "重新启用"
    with pytest.raises(PosError):
        staff.sign_in(term, "c03", "4444")


def test_a_manager_manages_cashiers_only(qtbot, term, admin, window):
    staff.add_staff(term, admin, "m01", "王店长", "manager", "4321")
    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    sign_in(qtbot, window, "m01", "4321")
    tab = station_tab(qtbot, window, "staff")
    qtbot.waitUntil(lambda: len(staff_ids(tab)) == 3)
    tab.select("admin")
    assert not (tab.reset_button.isEnabled() or tab.role_button.isEnabled() or tab.active_button.isEnabled())
    tab.select("c01")
    assert tab.reset_button.isEnabled() and tab.active_button.isEnabled()
    assert not tab.role_button.isEnabled()  # a manager cannot promote anyone
    dialog = tab.open_add()
    assert [dialog.role.itemData(i) for i in range(dialog.role.count())] == ["cashier"]
    dialog.reject()
    # whatever a screen offers, the service decides
    with pytest.raises(PosError) as err:
        staff.reset_pin(term, window.signed.actor, "admin", "9999")
    assert err.value.code == "forbidden"


def test_a_cashier_cannot_manage_staff(qtbot, term, admin, window, cashier):
    staff.add_staff(term, admin, "c1", "收银员", "cashier", "5678")
    sign_in(qtbot, window, "c1", "5678")
    assert window.station is None  # no station is offered
    actor = window.signed.actor
    for call in (lambda: staff.list_staff(term, actor), lambda: staff.add_staff(term, actor, "c9", "x", "cashier", "1111"),
                 lambda: staff.reset_pin(term, actor, "c1", "1111"), lambda: audit.recent(term, actor)):
        with pytest.raises(PosError) as err:
            call()
        assert err.value.code == "forbidden"


def test_audit_tab_lists_and_verifies_the_chain(qtbot, term, signed_in):
    tab = station_tab(qtbot, signed_in, "audit")
    qtbot.waitUntil(lambda: tab.table.rowCount() > 0)
    assert tab.table.item(0, 2).text() == "登录"  # newest first: this sign-in
    assert tab.table.item(0, 1).text().startswith("admin")
    tab.verify_button.click()
    qtbot.waitUntil(lambda: tab.result is not None)
    assert tab.result["intact"] and "完整" in tab.verdict.text()

    # someone edits one row in the database file
    ids = [r[0] for r in term.store.conn.execute("SELECT id FROM audit ORDER BY id")]
    victim = ids[len(ids) // 2]
    term.store.conn.execute("UPDATE audit SET detail = '{\"delta\": 99999}' WHERE id = ?", (victim,))
    tab.refresh_button.click()
    tab.result = None
    tab.verify_button.click()
    qtbot.waitUntil(lambda: tab.result is not None)
    assert not tab.result["intact"] and tab.result["first_bad_id"] == victim
    assert f"#{victim}" in tab.verdict.text()
    qtbot.waitUntil(lambda: any(r["id"] == victim for r in tab.rows))
    i = next(i for i, r in enumerate(tab.rows) if r["id"] == victim)
    assert tab.table.item(i, 0).background().color().name() == "#fde8e8"
    assert "delta=99999" in tab.table.item(i, 3).text()
