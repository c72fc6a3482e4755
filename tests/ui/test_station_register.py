"""Registering at the manager's station: phone, name, birthday, consent and a card in one go; the
member page opens and the card dialog is offered for printing. A bad phone changes nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from terminal.services import lookup, members


def _open_new_member(qtbot, w):
    from ui.manager.new_member import NewMemberDialog

    QTest.keyClick(w, Qt.Key.Key_F9)
    tab = w.station.members
    tab.search.new_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), NewMemberDialog))
    return tab, QApplication.activeModalWidget()


def test_register_with_a_card_opens_the_page_and_the_card_to_print(qtbot, signed_in, term):
    from ui.manager.card_dialog import CardDialog

    tab, dialog = _open_new_member(qtbot, signed_in)
    QTest.keyClicks(dialog.phone, "13912345678")
    dialog.name.setText("李娜")
    QTest.keyClicks(dialog.birthday, "1990-05-06")
    dialog.consent.setChecked(True)
    QTest.keyClick(dialog.phone, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), CardDialog), timeout=10_000)
    assert tab.stack.currentWidget() is tab.page and tab.page.name.text() == "李娜"
    view = members.view(term, "13912345678")
    assert (view["name"], view["birthday"], view["marketing_consent"]) == ("李娜", "1990-05-06", True)
    card = term.store.one("SELECT payload FROM cards WHERE member_id = ? AND revoked_at IS NULL", (view["member_id"],))
    assert lookup.find_one(term, card["payload"])["member_id"] == view["member_id"]


def test_a_bad_phone_is_explained_and_nothing_is_registered(qtbot, signed_in, term):
    tab, dialog = _open_new_member(qtbot, signed_in)
    members_before = term.store.scalar("SELECT COUNT(*) FROM members")
    events_before = term.store.scalar("SELECT COUNT(*) FROM events")
    QTest.keyClicks(dialog.phone, "1234")
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert "手机号" in dialog.message.text() and dialog.isVisible()
    assert term.store.scalar("SELECT COUNT(*) FROM members") == members_before
    assert term.store.scalar("SELECT COUNT(*) FROM events") == events_before


def test_a_failing_card_leaves_no_half_registration(qtbot, signed_in, term, monkeypatch):
    """The registration, the consent and the card are one transaction."""
    from terminal.errors import PosError
    from terminal.services import card_service

    def broken(*_a, **_k):
        raise PosError("store_corrupt", detail="test")

    monkeypatch.setattr(card_service, "issue", broken)
    _tab, dialog = _open_new_member(qtbot, signed_in)
    QTest.keyClicks(dialog.phone, "13912345678")
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.message.text() != "", timeout=10_000)
    assert term.store.scalar("SELECT COUNT(*) FROM members WHERE phone = '+8613912345678'") == 0
