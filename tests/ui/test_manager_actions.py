"""The member actions of the manager's station, driven as a manager would: issue and print a card
(the printed PDF's QR decodes to exactly the signed payload, the Chinese font is embedded), replace
it (the old card is refused at the checkout), adjust points (a reason is required), give a coupon,
top up stored value (充500送50) and pay a sale with it, buy paid membership."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from terminal.errors import PosError
from terminal.services import card_service, lookup, members
from ui.manager.base import ManagerContext
from ui.manager.member_actions import ACTIONS, action_title

PHONE = "13812345678"


@pytest.fixture
def mctx(ctx, term, admin) -> ManagerContext:
    return ManagerContext(term, ctx.runner, admin, term.programme, ctx.settings)


@pytest.fixture
def member(term, admin) -> dict:
    done = members.register(term, admin, PHONE, name="张伟")
    return members.view(term, done.member_id)


def open_action(qtbot, mctx, member, key: str):
    dialog = ACTIONS[key](mctx, member, None)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    return dialog


def idle(qtbot, mctx) -> None:
    qtbot.waitUntil(lambda: not mctx.runner.busy, timeout=10_000)


def ring_up(qtbot, w, amount: str, member_query: str | None = "5678") -> None:
    """At the checkout: the member, one line, the quote settled."""
    from ui_helpers import key, settle, type_text

    w.activateWindow()
    w.page.member.focus_query()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    if member_query:
        w.session.find_member(member_query)
        qtbot.waitUntil(lambda: w.session.member is not None)
    key(Qt.Key.Key_F2)
    type_text(amount, 5)
    key(Qt.Key.Key_Return)
    settle(qtbot, w)


def wait_pay_dialog(qtbot):
    from ui.checkout.pay_dialog import PayDialog

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PayDialog))
    pay = QApplication.activeModalWidget()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is pay)
    return pay


def decode_pdf_qr(pdf: Path, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    with Image.open(tmp_path / "page.png") as im:
        return [b.text for b in zxingcpp.read_barcodes(im) if b.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_contract_with_the_member_page(mctx, member, qtbot):
    assert set(ACTIONS) == {"card", "adjust", "coupon", "topup", "membership"}
    for key, cls in ACTIONS.items():
        dialog = open_action(qtbot, mctx, member, key)
        assert hasattr(dialog, "done") and action_title(key) != key
        idle(qtbot, mctx)
        dialog.reject()


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdffonts")), reason="needs poppler-utils")
def test_issue_and_print_a_card(qtbot, mctx, member, term, tmp_path, data_dir):
    dialog = open_action(qtbot, mctx, member, "card")
    qtbot.waitUntil(dialog.issue_button.isEnabled)
    assert not dialog.print_button.isEnabled()  # no card yet
    with qtbot.waitSignal(dialog.done, timeout=10_000) as got:
        QTest.keyClick(dialog, Qt.Key.Key_Return)
    issued = got.args[0]
    assert isinstance(issued, card_service.CardIssued) and issued.revoked == ()
    assert dialog.isVisible() and dialog.preview.isVisible() and dialog.print_button.isEnabled()
    assert card_service.verify(term, issued.payload)["member_id"] == member["member_id"]

    QTest.keyClick(dialog, Qt.Key.Key_Return)  # Enter now prints (no printer set: a PDF in DATA/cards/)
    printed = dialog.last_printed
    assert printed is not None and printed.to_file
    pdf = Path(printed.where)
    assert pdf.parent == data_dir / "cards" and pdf.is_file()
    assert str(pdf) in dialog.printed.text()
    assert decode_pdf_qr(pdf, tmp_path) == [issued.payload]
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    cjk = [ln for ln in fonts.splitlines() if "CJK" in ln]
    assert cjk and all(ln.split()[-5] == "yes" for ln in cjk), fonts  # emb = yes
    text = unicodedata.normalize("NFKC", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                                                         text=True, check=True).stdout)
    assert "138****5678" in text and "普通会员" in text  # real text, not a picture of it

    png = dialog.save_to(tmp_path / "card.png")
    import zxingcpp
    from PIL import Image

    with Image.open(png) as im:
        assert im.size == (1011, 638)
        assert [b.text for b in zxingcpp.read_barcodes(im)] == [issued.payload]


def test_replacing_a_card_revokes_the_old_one(qtbot, mctx, member, term, admin):
    old = card_service.issue(term, admin, member["member_id"]).payload
    dialog = open_action(qtbot, mctx, member, "card")
    qtbot.waitUntil(dialog.issue_button.isEnabled)
    # said before confirming: the old card will be refused; it can be printed again instead
    assert "作废" in dialog.status.text() or "revoke" in dialog.status.text().lower()
    assert dialog.print_button.isEnabled() and dialog.payload == old
    with qtbot.waitSignal(dialog.done, timeout=10_000) as got:
        dialog.issue_button.click()
    new = got.args[0]
    assert new.payload != old and len(new.revoked) == 1
    assert dialog.payload == new.payload
    assert "作废" in dialog.status.text() or "revoked" in dialog.status.text().lower()
    for refuse in (lambda: lookup.find_one(term, old), lambda: card_service.verify(term, old)):
        with pytest.raises(PosError) as err:
            refuse()
        assert err.value.code == "card_revoked"
    assert lookup.find_one(term, new.payload)["member_id"] == member["member_id"]


def test_adjust_points_needs_a_reason(qtbot, mctx, member, term):
    before = members.view(term, member["member_id"])["points_balance"]
    events = term.store.scalar("SELECT COUNT(*) FROM events")
    dialog = open_action(qtbot, mctx, member, "adjust")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.delta)
    QTest.keyClicks(dialog.delta, "200")
    qtbot.waitUntil(lambda: "200" in dialog.after.text())
    dialog.confirm.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "")
    assert dialog.message.text() == "调整积分必须填写原因"
    assert QApplication.focusWidget() is dialog.reason
    idle(qtbot, mctx)
    assert term.store.scalar("SELECT COUNT(*) FROM events") == events
    assert members.view(term, member["member_id"])["points_balance"] == before
    # the service refuses it too, whatever a screen does
    with pytest.raises(PosError) as err:
        members.adjust_points(term, mctx.actor, member["member_id"], 200, "  ")
    assert err.value.code == "adjust_reason_required"

    dialog.reason.insert("小票 A1B2C3-000042 漏积分")  # typed with an input method: not key by key
    with qtbot.waitSignal(dialog.done, timeout=10_000) as got:
        QTest.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert got.args[0].delta == 200 and got.args[0].points_balance == before + 200
    assert not dialog.isVisible()
    assert members.view(term, member["member_id"])["points_balance"] == before + 200


def test_taking_points_below_zero_is_refused_in_the_dialog(qtbot, mctx, member, term):
    dialog = open_action(qtbot, mctx, member, "adjust")
    QTest.keyClicks(dialog.delta, "-150")
    qtbot.waitUntil(lambda: dialog.after.text() != "")
    dialog.reason.insert("测试")
    dialog.confirm.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "" and dialog.isEnabled())
    assert "负数" in dialog.message.text() and dialog.isVisible()
    assert members.view(term, member["member_id"])["points_balance"] == 0


def test_give_a_coupon_from_the_programme(qtbot, mctx, member, term):
    dialog = open_action(qtbot, mctx, member, "coupon")
    templates = [dialog.templates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.templates.count())]
    assert set(templates) == {c.template for c in term.programme.coupons}
    assert templates[0] == "RECALL"  # the one made for giving by hand comes first
    assert "回归礼券" in dialog.templates.item(0).text()
    dialog.select("RECALL")
    with qtbot.waitSignal(dialog.done, timeout=10_000) as got:
        dialog.confirm.click()
    code = got.args[0]["code"]
    coupons = members.view(term, member["member_id"])["coupons"]
    assert {"code": code, "template": "RECALL", "status": "available"}.items() <= next(
        c for c in coupons if c["code"] == code).items()


def test_top_up_500_gives_550_and_pays_a_sale(qtbot, ctx, mctx, member, term, signed_in):
    dialog = open_action(qtbot, mctx, member, "topup")
    idle(qtbot, mctx)
    assert "¥0.00" in dialog.balance.text()
    assert "充500送50" in dialog.steps.text()
    QTest.keyClicks(dialog.amount, "500")  # the checkout's scan detector hands the keys on a moment later
    qtbot.waitUntil(lambda: dialog.amount.text() == "500")
    assert "¥50.00" in dialog.preview.text() and "¥550.00" in dialog.preview.text()  # shown before confirming
    dialog.tender.set_method("wechat")
    with qtbot.waitSignal(dialog.done, timeout=10_000) as got:
        dialog.confirm.click()
    doc = got.args[0]
    assert (doc["paid_fen"], doc["bonus_fen"], doc["stored_value_fen"], doc["pay_method"]) == (
        50000, 5000, 55000, "wechat")
    assert members.view(term, member["member_id"])["stored_value_fen"] == 55000

    # a sale of ¥120 paid by stored value, through the pay dialog
    from ui_helpers import key

    w = signed_in
    ring_up(qtbot, w, "120")
    key(Qt.Key.Key_F12)
    pay = wait_pay_dialog(qtbot)
    button = pay.tender_buttons["stored_value"]
    assert button.isVisible() and button.isEnabled() and "¥550.00" in button.text()
    QTest.keyClick(pay, Qt.Key.Key_F9)
    assert pay.method == "stored_value"
    QTest.keyClick(pay, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pay.receipt is not None, timeout=10_000)
    assert pay.receipt["pay_method"] == "stored_value" and pay.receipt["stored_value_balance_fen"] == 43000
    assert "¥430.00" in pay.paid_banner.text()
    assert members.view(term, member["member_id"])["stored_value_fen"] == 43000
    pay.accept()


def test_stored_value_short_is_not_offered(qtbot, term, admin, member, signed_in):
    from terminal.services import stored_value
    from ui_helpers import key

    stored_value.topup(term, admin, member["member_id"], 10000, "cash")
    w = signed_in
    ring_up(qtbot, w, "120")
    key(Qt.Key.Key_F12)
    pay = wait_pay_dialog(qtbot)
    button = pay.tender_buttons["stored_value"]
    assert button.isVisible() and not button.isEnabled()
    assert "¥100.00" in button.text() and "¥20.00" in button.text()  # the balance and what is missing
    QTest.keyClick(pay, Qt.Key.Key_F9)
    assert pay.method == "cash" and "储值余额不足" in pay.message.text()
    pay.reject()


def test_offline_cap_on_stored_value_is_shown_plainly(qtbot, term, admin, member, signed_in):
    """While the till is offline a member may spend at most the cap a day by stored value: the
    sale is refused with the reason, nothing is committed, another tender still works."""
    from terminal.services import stored_value
    from ui_helpers import key

    stored_value.topup(term, admin, member["member_id"], 100000, "cash")
    term.store.set_setting("headoffice_url", "http://127.0.0.1:9")  # enrolled, never synced: offline
    sales = term.store.scalar("SELECT COUNT(*) FROM sales")
    w = signed_in
    ring_up(qtbot, w, "600")
    key(Qt.Key.Key_F12)
    pay = wait_pay_dialog(qtbot)
    QTest.keyClick(pay, Qt.Key.Key_F9)
    assert pay.method == "stored_value"
    QTest.keyClick(pay, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: pay.confirm.isEnabled() and "离线" in pay.message.text(), timeout=10_000)
    assert "¥500.00" in pay.message.text() and pay.receipt is None
    assert term.store.scalar("SELECT COUNT(*) FROM sales") == sales
    assert stored_value.balance(term, member["member_id"]) == 105000
    pay.reject()


def test_no_member_no_stored_value_tender(qtbot, signed_in):
    from ui_helpers import key

    w = signed_in
    ring_up(qtbot, w, "20", None)
    key(Qt.Key.Key_F12)
    pay = wait_pay_dialog(qtbot)
    assert not pay.tender_buttons["stored_value"].isVisible()
    pay.reject()


def test_buy_paid_membership_serves_gold(qtbot, mctx, member, term):
    paid = term.programme.paid_membership
    dialog = open_action(qtbot, mctx, member, "membership")
    qtbot.waitUntil(dialog.confirm.isEnabled)
    assert "¥199.00" in dialog.summary.text() and "金卡会员" in dialog.summary.text()
    assert f"{paid.months}" in dialog.summary.text()
    assert "2026-11-02" in dialog.period.text() and "2027-11-02" in dialog.period.text()
    with qtbot.waitSignal(dialog.done, timeout=10_000) as got:
        dialog.confirm.click()
    doc = got.args[0]
    assert doc["served_tier"] == "gold" and doc["fee_fen"] == 19900
    view = members.view(term, member["member_id"])
    assert view["tier"] == "gold" and view["tier_name"] == "金卡会员"

    again = open_action(qtbot, mctx, view, "membership")  # a renewal extends the period in force
    qtbot.waitUntil(again.confirm.isEnabled)
    assert "2027-11-02" in again.period.text() and "2028-11-02" in again.period.text()
    again.reject()
