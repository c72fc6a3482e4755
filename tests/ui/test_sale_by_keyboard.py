"""A whole sale by keyboard alone: scan the card, ring up lines, pick the coupon, redeem points,
pay cash, see the receipt. The totals on screen are the core's (checkout.quote of the same sale)."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from terminal.pricing import CartLine
from terminal.services import card_service, checkout, members
from ui.checkout.pay_dialog import PayDialog
from ui_helpers import at, focused, key, scan, settle, type_text


@pytest.fixture
def silver_member(term, admin, clock):
    """The programme's worked example: a silver member with a RECALL coupon, on Saturday 2026-11-21."""
    members.register(term, admin, "13812345678", name="张伟", at=at("2026-10-01 09:00"))
    checkout.sale(term, admin, checkout.SaleRequest(lines=(CartLine("general", 200000),), member="5678"),
                  at=at("2026-11-01 10:00"))
    coupon = members.give_coupon(term, admin, "5678", "RECALL", at=at("2026-11-20 10:00"))
    card = card_service.issue(term, admin, "5678", at=at("2026-11-20 10:00"))
    clock.at = at("2026-11-21 10:00")
    return {"coupon": coupon["code"], "card": card.payload}


def test_whole_sale_by_keyboard(qtbot, signed_in, term, admin, silver_member, data_dir):
    w = signed_in
    s, quote = w.session, w.page.quote

    scan(silver_member["card"])  # anywhere: the focus is in the member field, it stays empty
    qtbot.waitUntil(lambda: s.member is not None or w.page.member.message.text() != "")
    assert s.member is not None, (w.page.member.message.text(), w.page.member.query.text())
    assert w.page.member.name.text() == "张伟"
    assert w.page.member.query.text() == ""
    assert "银卡会员" in [b.text() for b in w.page.member.findChildren(type(w.page.member.name))]

    key(Qt.Key.Key_F2)  # amount field; Up/Down move through the categories
    assert focused() is w.page.cart.amount
    key(Qt.Key.Key_Down)  # general -> fresh
    type_text("120")
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Up)  # fresh -> general
    type_text("80")
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Down)  # general -> fresh -> tobacco
    type_text("30")
    key(Qt.Key.Key_Return)
    assert [(ln.category, ln.unit_price_fen) for ln in s.lines] == [
        ("fresh", 12000), ("general", 8000), ("tobacco", 3000)]

    key(Qt.Key.Key_F3)
    assert focused() is quote.coupon
    key(Qt.Key.Key_Down)  # the member's one available coupon
    qtbot.waitUntil(lambda: s.coupon == silver_member["coupon"])

    key(Qt.Key.Key_F4)
    assert focused() is quote.redeem
    type_text("500")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: s.redeem_points == 500)
    settle(qtbot, w)

    core = checkout.quote(term, admin, checkout.SaleRequest(
        lines=(CartLine("fresh", 12000), CartLine("general", 8000), CartLine("tobacco", 3000)),
        member=s.member["member_id"], coupon=silver_member["coupon"], redeem_points=500))
    assert core["payable_fen"] == 18500 and core["points_earned"] == 486
    assert s.outcome.doc["payable_fen"] == core["payable_fen"]
    assert quote.payable.text() == "¥185.00"
    assert "+486" in quote.earn.text()
    shown = {lbl.text() for lbl in quote.findChildren(type(quote.payable))}
    assert {"银卡会员 95折", "-¥10.00", "优惠券 RECALL 满100减30", "-¥30.00", "-¥5.00"} <= shown
    assert "最多可用" in quote.redeem_max.text()

    key(Qt.Key.Key_F12)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PayDialog))
    pay = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pay.cash)  # the dialog is active
    type_text("200")
    assert pay.change.text() == "找零：¥15.00"
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pay.pages.currentIndex() == 1, timeout=10_000)
    doc = pay.receipt
    assert doc["payable_fen"] == 18500 and doc["points_earned"] == 486 and doc["pay_method"] == "cash"
    assert "已收款 ¥185.00" in pay.paid_banner.text() and "找零：¥15.00" in pay.paid_banner.text()
    text = pay.receipt_view.text.toPlainText()
    assert doc["receipt_no"] in text and "应付" in text and "138****5678" in text
    # committed first: the sale is in the store; the till is clear for the next customer
    assert term.store.scalar("SELECT payable_fen FROM sales WHERE receipt_no = ?", (doc["receipt_no"],)) == 18500
    assert s.empty and s.outcome is None
    pdf = data_dir / "receipts" / f"{doc['receipt_no']}.pdf"
    qtbot.waitUntil(pdf.exists)
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=30)
    assert doc["receipt_no"] in out.stdout and "谢谢惠顾" in out.stdout

    key(Qt.Key.Key_Return)  # next customer
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert w.page.quote.payable.text() == "¥0.00"


def test_f12_right_after_the_last_line_waits_for_the_quote(qtbot, signed_in):
    key(Qt.Key.Key_F2)
    type_text("9.90", 5)
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_F12)  # before the quote is back
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PayDialog))
    assert QApplication.activeModalWidget().payable_fen == 990
    QApplication.activeModalWidget().reject()


def test_esc_asks_before_clearing(qtbot, signed_in):
    from PySide6.QtWidgets import QMessageBox

    w = signed_in
    key(Qt.Key.Key_F2)
    type_text("5", 5)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.session.lines) == 1)
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    box.button(QMessageBox.StandardButton.No).click()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    assert len(w.session.lines) == 1
    w.page.cart.focus_amount()
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    QApplication.activeModalWidget().button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: w.session.empty)
