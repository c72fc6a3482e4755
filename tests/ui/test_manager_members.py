"""The manager's Members tab, driven by keyboard and mouse: find members (phone, last 4, name, a
scanned card), open the member page (tier, points, history), and the profile actions: edit,
marketing consent, blacklist (the checkout then refuses the member), erase (no personal data left in
the database files) and export (a file, and an audit row without the phone). The member-action
buttons come from ui.manager.member_actions when it is there."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from shiboken6 import isValid

from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.services import card_service, checkout, members, privacy
from terminal.store.db import DB_NAME
from ui.calls import Line
from ui.manager import profile_dialogs
from ui.manager.base import ActionDialog
from ui.manager.member_page import MemberPage
from ui_helpers import at, focused, key, scan, type_text

PHONE, NAME, BIRTHDAY = "13987654321", "欧阳娜娜", "1990-05-06"
TYPING_MS = 40  # a quick typist, but slower than a scanner (ui.scanner.MAX_GAP_MS)


def open_members(qtbot, w):
    """F9, as a manager would: the station opens on the member search with the focus in the query."""
    QTest.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.station)
    tab = w.station.members
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.search.query)
    return tab


def enter_text(text: str) -> None:
    """Type into the focused field: keys for ASCII, the input method's commit for Chinese (QTest
    has no keys for it; an IME delivers such text this way)."""
    if text.isascii():
        type_text(text, delay_ms=TYPING_MS)
    else:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(focused(), event)


def search(qtbot, tab, text: str) -> None:
    """Select what is in the query, type the new one, Enter; wait for its results."""
    panel = tab.search
    panel.query.selectAll()
    enter_text(text)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel._searched is not None and panel._searched[0] == text and not tab.mctx.runner.busy)


def shown(tab, column: int = 1) -> list[str]:
    model = tab.search.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def wait_page(qtbot, tab, member_id: str) -> MemberPage:
    page = tab.page
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is page and page.data is not None
                    and page.data["view"]["member_id"] == member_id and not tab.mctx.runner.busy)
    return page


def action(qtbot, page: MemberPage, name: str, *, focus: bool = True):
    """Click the page's action button; the dialog it opens (with the keyboard focus in it)."""
    before = page.dialog
    qtbot.mouseClick(page.buttons[name], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not before and QApplication.activeModalWidget() is page.dialog)
    dialog = page.dialog
    if focus:
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                        and dialog.isAncestorOf(QApplication.focusWidget()))
    return dialog


def closed(dialog) -> bool:
    return not isValid(dialog) or not dialog.isVisible()


def reloaded(qtbot, page: MemberPage, before: dict) -> None:
    qtbot.waitUntil(lambda: page.data is not before and not page.mctx.runner.busy)


def test_find_by_last4_name_phone_and_a_scanned_card(qtbot, signed_in, term, admin):
    w = signed_in
    zhang = members.register(term, admin, "13812345678", name="张伟").member_id
    members.register(term, admin, "13912345678", name="王芳")
    members.register(term, admin, "13700001111", name="张小明")
    payload = card_service.issue(term, admin, "13700001111").payload
    tab = open_members(qtbot, w)

    search(qtbot, tab, "5678")  # several share the last 4: all listed, the manager sees full phones
    assert sorted(shown(tab)) == sorted(["张伟", "王芳"])
    assert sorted(shown(tab, 0)) == ["138 1234 5678", "139 1234 5678"]
    assert "2" in tab.search.info.text()

    search(qtbot, tab, "张")
    assert shown(tab) == ["张伟", "张小明"] or shown(tab) == ["张小明", "张伟"]
    # ↓ picks the second row, Enter (on the same query) opens it
    second = tab.search.model.rows[1]["member_id"]
    key(Qt.Key.Key_Down)
    key(Qt.Key.Key_Return)
    wait_page(qtbot, tab, second)

    qtbot.mouseClick(tab.page.back, Qt.MouseButton.LeftButton)  # back to the results, focus in the query
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.search and focused() is tab.search.query)
    search(qtbot, tab, "13812345678")  # a full phone names one member: the page opens at once
    page = wait_page(qtbot, tab, zhang)
    assert page.name.text() == "张伟"

    QTest.keyClick(page, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: focused() is tab.search.query)
    scan(payload)  # a scanner: the code lands in the query (the scan's Enter is the scanner's)
    page = wait_page(qtbot, tab, members.view(term, "13700001111")["member_id"])
    assert page.name.text() == "张小明"


def test_double_click_opens_the_page_with_tier_points_and_history(qtbot, signed_in, term, admin):
    w = signed_in
    member_id = members.register(term, admin, "13812345678", name="张伟", at=at("2026-10-01 09:00")).member_id
    sale = checkout.sale(term, admin, checkout.SaleRequest(lines=(CartLine("general", 250000),), member=member_id),
                         at=at("2026-10-10 10:00")).document
    members.adjust_points(term, admin, member_id, 120, "顾客投诉补偿", at("2026-10-12 10:00"))
    tab = open_members(qtbot, w)
    search(qtbot, tab, "张伟")
    table = tab.search.table
    rect = table.visualRect(tab.search.model.index(0, 1))
    # a double-click as the mouse makes it: press, release, then the second press (a double-click) and release
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page = wait_page(qtbot, tab, member_id)

    view = page.data["view"]
    assert page.fields["tier"].text() == "银卡会员"
    assert page.fields["balance"].text() == f"{view['points_balance']:,}"
    assert "¥" in page.fields["next_tier"].text() and "金卡会员" in page.fields["next_tier"].text()
    assert page.fields["qualifying"].text() == "¥2,500.00"
    assert page.fields["registered"].text() == "2026-10-01 09:00"
    sales = page.models["sales"]
    assert sales.rowCount() == 1 and sales.rows[0][0] == sale["receipt_no"]
    assert sales.rows[0][1] == "2026-10-10 10:00" and sales.rows[0][2] == "¥2,500.00"
    points = page.models["points"].rows
    assert any("顾客投诉补偿" in r[3] and r[2] == "+120" and r[4] == "管理员" for r in points)
    assert any(r[3].endswith(sale["receipt_no"]) for r in points)
    assert page.models["tiers"].rowCount() == 1 and "银卡会员" in page.models["tiers"].rows[0][1]
    assert page.models["lots"].rowCount() == 3  # the sale's points, the monthly bonus, the adjustment
    assert page.models["coupons"].rowCount() == 1  # WELCOME
    for i in range(page.tabs.count()):  # every history tab opens
        page.tabs.setCurrentIndex(i)
        assert page.tabs.currentWidget().isVisible()


def test_edit_the_name_and_a_bad_phone_changes_nothing(qtbot, signed_in, term, admin):
    w = signed_in
    member_id = members.register(term, admin, PHONE, name=NAME).member_id
    tab = open_members(qtbot, w)
    search(qtbot, tab, PHONE)
    page = wait_page(qtbot, tab, member_id)

    dialog = action(qtbot, page, "edit")
    assert isinstance(dialog, profile_dialogs.EditProfileDialog)
    dialog.phone.selectAll()
    dialog.phone.setFocus()
    type_text("12345", delay_ms=TYPING_MS)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() != "" and dialog.isEnabled())
    assert "手机号无效" in dialog.message.text()
    assert members.view(term, member_id)["name"] == NAME

    dialog.phone.selectAll()
    type_text("139 8765 4321", delay_ms=TYPING_MS)  # the same phone, typed with spaces: not a change
    dialog.name.setFocus()
    dialog.name.selectAll()
    enter_text("欧阳娜")
    before = page.data
    key(Qt.Key.Key_Return)
    reloaded(qtbot, page, before)
    assert closed(dialog)
    assert members.view(term, member_id)["name"] == "欧阳娜"
    assert page.name.text() == "欧阳娜" and page.fields["name"].text() == "欧阳娜"
    updates = term.store.all("SELECT payload FROM events WHERE kind = 'member_updated'")
    assert [json.loads(r["payload"]) for r in updates] == [{"name": "欧阳娜"}]


def test_marketing_consent_is_recorded_with_its_time(qtbot, signed_in, term, admin):
    w = signed_in
    member_id = members.register(term, admin, PHONE, name=NAME).member_id
    tab = open_members(qtbot, w)
    search(qtbot, tab, PHONE)
    page = wait_page(qtbot, tab, member_id)
    assert page.fields["consent"].text() == page.tr("Not asked")

    dialog = action(qtbot, page, "consent")
    qtbot.mouseClick(dialog.no, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.no.height() // 2))
    before = page.data
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    reloaded(qtbot, page, before)
    view = members.view(term, member_id)
    assert view["marketing_consent"] is False and view["consent_at"].startswith("2026-11-02T10:00")
    assert "2026-11-02 10:00" in page.fields["consent"].text()

    dialog = action(qtbot, page, "consent")
    assert dialog.no.isChecked()
    qtbot.mouseClick(dialog.yes, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.yes.height() // 2))
    before = page.data
    key(Qt.Key.Key_Return)
    reloaded(qtbot, page, before)
    assert members.view(term, member_id)["marketing_consent"] is True
    kinds = [r[0] for r in term.store.conn.execute("SELECT kind FROM events WHERE kind = 'member_consent'")]
    assert kinds == ["member_consent", "member_consent"]


def test_blacklist_needs_a_reason_then_the_checkout_refuses_the_member(qtbot, signed_in, term, admin):
    w = signed_in
    member_id = members.register(term, admin, PHONE, name=NAME).member_id
    tab = open_members(qtbot, w)
    search(qtbot, tab, PHONE)
    page = wait_page(qtbot, tab, member_id)

    dialog = action(qtbot, page, "blacklist")
    assert isinstance(dialog, profile_dialogs.BlacklistDialog) and focused() is dialog.reason
    key(Qt.Key.Key_Return)  # no reason
    qtbot.waitUntil(lambda: dialog.message.text() != "" and dialog.isEnabled())
    assert dialog.message.text() == PosError("reason_required").message("zh_CN")
    assert members.view(term, member_id)["status"] == "active"

    enter_text("多次恶意退货")
    before = page.data
    key(Qt.Key.Key_Return)
    reloaded(qtbot, page, before)
    assert page.data["view"]["status"] == "blacklisted"
    assert "多次恶意退货" in page.fields["status"].text()
    assert page.buttons["blacklist"].text() == page.tr("Lift blacklist")
    with pytest.raises(PosError) as exc:
        checkout.sale(term, admin, checkout.SaleRequest(lines=(CartLine("general", 1000),), member=PHONE))
    assert exc.value.code == "member_blacklisted" and "多次恶意退货" in exc.value.message()

    # the checkout screen: the member is shown as blacklisted and the sale cannot be paid
    QTest.keyClick(focused(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.page and focused() is w.page.member.query)
    type_text(PHONE, delay_ms=TYPING_MS)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.session.member is not None)
    w.session.add_line(Line("general", 1000))
    qtbot.waitUntil(lambda: w.session.settled and not w.runner.busy and w.session.outcome is not None)
    assert w.session.outcome.problem is not None and w.session.outcome.problem.code == "member_blacklisted"
    assert not w.session.can_pay
    w.session.clear()
    QTest.keyClick(w, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: w.stack.currentWidget() is w.station)

    tab.open_member(member_id)
    page = wait_page(qtbot, tab, member_id)
    dialog = action(qtbot, page, "blacklist")
    assert isinstance(dialog, profile_dialogs.LiftBlacklistDialog)
    before = page.data
    key(Qt.Key.Key_Return)
    reloaded(qtbot, page, before)
    assert members.view(term, member_id)["status"] == "active"
    assert page.buttons["blacklist"].text() == page.tr("Blacklist")


def _database_bytes(data_dir: Path) -> dict[str, bytes]:
    out = {}
    for suffix in ("", "-wal", "-journal"):
        path = data_dir / (DB_NAME + suffix)
        if path.exists():
            out[path.name] = path.read_bytes()
    return out


def test_erase_needs_a_reason_and_confirmation_and_leaves_no_personal_data(qtbot, signed_in, term, admin,
                                                                          data_dir):
    w = signed_in
    member_id = members.register(term, admin, PHONE, name=NAME, birthday=BIRTHDAY).member_id
    checkout.sale(term, admin, checkout.SaleRequest(lines=(CartLine("general", 5000),), member=member_id))
    tab = open_members(qtbot, w)
    search(qtbot, tab, NAME)
    key(Qt.Key.Key_Return)  # the one result is current: Enter opens it
    page = wait_page(qtbot, tab, member_id)

    dialog = action(qtbot, page, "erase")
    assert isinstance(dialog, profile_dialogs.EraseDialog) and focused() is dialog.reason
    enter_text("本人书面要求注销")
    dialog.confirm.setFocus()
    type_text("1234", delay_ms=TYPING_MS)  # not the last 4 of the phone
    key(Qt.Key.Key_Return)
    assert "4321" in dialog.message.text()
    assert members.view(term, member_id)["status"] == "active"

    dialog.confirm.selectAll()
    type_text("4321", delay_ms=TYPING_MS)
    before = page.data
    key(Qt.Key.Key_Return)
    reloaded(qtbot, page, before)
    assert page.data["view"]["status"] == "erased"
    assert page.name.text() == page.tr("Erased member") and page.phone.text() == ""
    assert not page.buttons["edit"].isEnabled() and page.buttons["export"].isEnabled()
    assert NAME not in page.fields["name"].text()

    qtbot.waitUntil(lambda: not w.runner.busy)
    files = _database_bytes(data_dir)
    assert DB_NAME in files
    for file_name, content in files.items():
        for needle in (PHONE, "+86" + PHONE, NAME, BIRTHDAY):
            assert needle.encode() not in content, f"{needle} found in {file_name}"

    qtbot.mouseClick(page.back, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.stack.currentWidget() is tab.search and not w.runner.busy)
    assert tab.search.model.rowCount() == 0  # the results were searched again: the member is gone


def test_export_writes_a_file_and_an_audit_row_without_the_phone(qtbot, signed_in, term, admin, data_dir,
                                                                 tmp_path):
    w = signed_in
    member_id = members.register(term, admin, PHONE, name=NAME, birthday=BIRTHDAY).member_id
    tab = open_members(qtbot, w)
    search(qtbot, tab, PHONE)
    page = wait_page(qtbot, tab, member_id)

    dialog = action(qtbot, page, "export")
    qtbot.waitUntil(lambda: dialog.path.text() != "")
    default = Path(dialog.path.text())
    assert default.parent == data_dir / "exports" and PHONE not in default.name and member_id in default.name
    target = tmp_path / "导出" / "member.json"
    dialog.path.setText(str(target))  # as the file chooser (Choose…) would
    dialog.path.setFocus()
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert str(target) in dialog.result_label.text()
    doc = json.loads(target.read_text("utf-8"))
    assert doc["member"]["phone"] == "+86" + PHONE and doc["member"]["name"] == NAME
    row = term.store.one("SELECT action, detail FROM audit ORDER BY id DESC LIMIT 1")
    assert row["action"] == "member_exported" and member_id in row["detail"]
    for needle in (PHONE, PHONE[-8:], NAME, str(target)):
        assert needle not in row["detail"]
    key(Qt.Key.Key_Return)  # Close
    qtbot.waitUntil(lambda: closed(dialog))

    # nowhere to write: the error is shown in the dialog, in Chinese, and nothing is saved
    dialog = action(qtbot, page, "export")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    dialog.path.setText(str(blocker / "member.json"))
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.message.text() != "" and dialog.isEnabled())
    assert "无法保存" in dialog.message.text() and dialog.saved is None


class FakeAdjust(ActionDialog):
    """Stands in for a member-action dialog: records what it was given, reports done when asked."""

    opened: list[tuple] = []

    def __init__(self, mctx, member, parent=None):
        super().__init__(mctx, member, parent)
        FakeAdjust.opened.append((mctx, member, parent))
        self.setObjectName("fakeAdjust")


def test_member_action_buttons_come_from_member_actions(qtbot, signed_in, term, admin, monkeypatch):
    w = signed_in
    member_id = members.register(term, admin, PHONE, name=NAME).member_id
    monkeypatch.setitem(sys.modules, "ui.manager.member_actions", types.SimpleNamespace(ACTIONS={"adjust": FakeAdjust}))
    tab = open_members(qtbot, w)
    tab.open_member(member_id)
    page = wait_page(qtbot, tab, member_id)
    assert [n for n in ("card", "adjust", "coupon", "topup", "membership") if not page.buttons[n].isHidden()] == [
        "adjust"]
    order = [page.buttons[n] for n in ("edit", "consent", "blacklist", "erase", "export", "adjust")]
    xs = [b.mapTo(page, QPoint(0, 0)).x() for b in order]
    assert xs == sorted(xs)  # edit, consent, blacklist, erase, export, then the member actions

    FakeAdjust.opened.clear()
    dialog = action(qtbot, page, "adjust", focus=False)
    (mctx, member, parent), = FakeAdjust.opened
    assert mctx is tab.mctx and parent is page and member["member_id"] == member_id and "tier" in member
    before = page.data
    dialog.done.emit({"ok": True})
    reloaded(qtbot, page, before)
    dialog.reject()

    monkeypatch.setitem(sys.modules, "ui.manager.member_actions", None)  # not there: ImportError
    page.reload()
    qtbot.waitUntil(lambda: all(page.buttons[n].isHidden()
                                for n in ("card", "adjust", "coupon", "topup", "membership")))


def test_filters_narrow_the_results_and_the_page_follows_the_language(qtbot, signed_in, term, admin):
    w = signed_in
    members.register(term, admin, "13812345678", name="张伟")
    bad = members.register(term, admin, "13912345678", name="王芳").member_id
    privacy.blacklist(term, admin, bad, "恶意退货")
    tab = open_members(qtbot, w)
    qtbot.waitUntil(lambda: tab.search._searched is not None and not w.runner.busy)  # the newest, unasked
    assert sorted(shown(tab)) == ["张伟", "王芳"]
    status = tab.search.status
    status.setFocus()
    while status.currentData() != "blacklisted":  # the arrow keys, as on the till's keyboard
        key(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: tab.search._searched is not None and tab.search._searched[3] == "blacklisted"
                    and not w.runner.busy)
    assert shown(tab) == ["王芳"] and shown(tab, 6) == ["黑名单"]

    tab.open_member(bad)
    page = wait_page(qtbot, tab, bad)
    assert page.buttons["edit"].text() == "修改资料"
    w.set_language("en")
    qtbot.waitUntil(lambda: page.buttons["edit"].text() == "Edit profile")
    assert page.buttons["blacklist"].text() == "Lift blacklist" and page.tabs.tabText(0) == "Sales"
    w.set_language("zh_CN")
    qtbot.waitUntil(lambda: page.buttons["edit"].text() == "修改资料")
