"""Refund from a receipt number with a manager's PIN; a cashier's PIN does not approve it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from storetime import at
from terminal.pricing import CartLine
from terminal.services import checkout, maintenance, members, reads, staff
from ui.refund_dialog import RefundDialog, parse_lines
from ui_helpers import PIN, key, type_text


def open_refund(qtbot, w) -> RefundDialog:
    key(Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RefundDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None and QApplication.focusWidget().window() is dialog)
    return dialog


def test_refund_with_manager_pin(qtbot, term, admin, window):
    members.register(term, admin, "13812345678")
    sale = checkout.sale(term, admin, checkout.SaleRequest(
        lines=(CartLine("general", 10000), CartLine("fresh", 5000, 2)), member="5678")).document
    staff.add_staff(term, admin, "c01", "小李", "cashier", "5678")
    staff.add_staff(term, admin, "m01", "王店长", "manager", "4321")
    from ui_helpers import sign_in

    sign_in(qtbot, window, "c01", "5678")
    dialog = open_refund(qtbot, window)
    assert QApplication.focusWidget() is dialog.receipt_no
    dialog.receipt_no.setText(sale["receipt_no"])
    dialog.lines.setText("2:1")
    dialog.manager.setText("c01")
    dialog.pin.setText("5678")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() == "退货需要店长授权")
    dialog.manager.setText("m01")
    dialog.pin.setFocus()
    type_text("4321", 5)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result.text() != "")
    assert dialog.result.text().startswith(f"已退款 ¥50.00（小票 {sale['receipt_no']}）")
    assert term.store.scalar("SELECT refund_fen FROM refunds") == 5000
    assert term.store.scalar("SELECT staff_id FROM refunds") == "m01"


def test_manager_signed_in_is_prefilled(qtbot, signed_in):
    dialog = open_refund(qtbot, signed_in)
    assert dialog.manager.text() == "admin" and PIN not in dialog.pin.text()


def test_points_given_back_into_points_that_expired_meanwhile_are_said_not_to_count(qtbot, term, admin, signed_in):
    member = members.register(term, admin, "13812345678", at=at("2025-09-01 10:00")).member_id
    members.adjust_points(term, admin, member, 1000, "迁移旧积分", at("2025-09-01 10:30"))
    lot = reads.points_state(term, member).lots[0]
    sale = checkout.sale(term, admin, checkout.SaleRequest(
        lines=(CartLine("general", 5000),), member=member, redeem_points=300), at=lot.expires_at - timedelta(days=40)).document
    maintenance.maintain(term, admin, lot.expires_at + timedelta(hours=12))  # the other 700 expire
    assert lot.expires_at < term.now()
    dialog = open_refund(qtbot, signed_in)
    dialog.receipt_no.setText(sale["receipt_no"])
    dialog.pin.setText(PIN)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result.text() != "")
    lines = dialog.result.text().splitlines()
    assert lines[1] == f"扣回积分：{sale['points_earned']}；退还抵现积分：300"
    assert lines[2] == "其中 300 分退还的积分已过有效期，不再计入余额"
    assert lines[3] == "当前积分余额：0"


def test_parse_lines():
    assert parse_lines("") == []
    assert parse_lines("1, 3:2") == [(1, None), (3, 2)]
    assert parse_lines("1，2：1") == [(1, None), (2, 1)]
