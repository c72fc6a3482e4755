"""Finding the member: last 4 digits shared by several (picked from a list, never guessed), a
forged or revoked card (a clear message and no member), registering in place mid-sale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from terminal.services import card_service, members
from ui.checkout.member_pick import MemberPickDialog
from ui.checkout.register_dialog import RegisterDialog
from ui_helpers import focused, key, scan, settle, type_text


def test_last4_with_several_matches_is_picked_from_a_list(qtbot, signed_in, term, admin):
    w = signed_in
    members.register(term, admin, "13812345678", name="张伟")
    members.register(term, admin, "13912345678", name="王芳")
    members.register(term, admin, "13700001111", name="李娜")
    assert focused() is w.page.member.query
    type_text("5678")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), MemberPickDialog))
    pick = QApplication.activeModalWidget()
    assert pick.list.count() == 2
    assert [pick.list.item(i).text().split()[1] for i in range(2)] == ["138****5678", "139****5678"]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pick.list)
    key(Qt.Key.Key_2)
    qtbot.waitUntil(lambda: w.session.member is not None)
    assert w.session.member["name"] == "王芳"
    assert w.page.member.phone.text() == "139****5678"
    assert "新会员礼券 满50减20" in w.page.member.coupons.text()


def test_a_forged_card_gets_a_clear_message_and_no_member(qtbot, signed_in, term, admin):
    w = signed_in
    members.register(term, admin, "13812345678", name="张伟")
    payload = card_service.issue(term, admin, "13812345678").payload
    scan(payload)
    qtbot.waitUntil(lambda: w.session.member is not None)
    body, sig = payload.rsplit(".", 1)
    forged = body + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    scan(forged)
    qtbot.waitUntil(lambda: w.page.member.message.text() != "")
    settle(qtbot, w)
    assert w.session.member is None
    assert "伪造" in w.page.member.message.text()
    assert w.page.member.query.text() == ""  # the scan never reached the field


def test_a_revoked_card_is_refused(qtbot, signed_in, term, admin):
    w = signed_in
    members.register(term, admin, "13812345678", name="张伟")
    old = card_service.issue(term, admin, "13812345678").payload
    card_service.issue(term, admin, "13812345678")  # a replacement revokes the old card
    scan(old)
    qtbot.waitUntil(lambda: w.page.member.message.text() != "")
    assert w.session.member is None and "作废" in w.page.member.message.text()


def test_register_a_member_in_place_keeps_the_sale(qtbot, signed_in):
    w = signed_in
    key(Qt.Key.Key_F2)
    type_text("66")
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.outcome is not None)
    key(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RegisterDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.phone)
    type_text("13600001234", 5)
    key(Qt.Key.Key_Tab)
    dialog.name.setText("赵敏")  # a name needs the input method; typed by the IME in real life
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.member is not None)
    settle(qtbot, w)
    assert w.session.member["phone_masked"] == "136****1234" and w.session.member["name"] == "赵敏"
    assert len(w.session.lines) == 1  # the sale went on
    codes = [w.page.quote.coupon.itemData(i) for i in range(w.page.quote.coupon.count())]
    assert len(codes) == 2  # "no coupon" and the WELCOME coupon of the new member
    assert w.session.outcome.doc["member"]["phone_masked"] == "136****1234"


def test_an_invalid_phone_at_registration_is_explained(qtbot, signed_in):
    w = signed_in
    key(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RegisterDialog))
    dialog = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.phone)
    type_text("12345", 5)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("手机号无效"))
    assert w.session.member is None
