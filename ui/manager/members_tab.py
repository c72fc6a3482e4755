"""Members: the search and the member page, one at a time. Opening a member shows the page;
going back shows the results again, searched afresh (an action may have changed them)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from ui.manager.base import ManagerContext
from ui.manager.member_page import MemberPage
from ui.manager.member_search import MemberSearchPanel
from ui.manager.new_member import NewMemberDialog, Registered


class MembersTab(QWidget):
    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mctx = mctx
        self.search = MemberSearchPanel(mctx)
        self.page = MemberPage(mctx)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.search)
        self.stack.addWidget(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.search.open_requested.connect(self.open_member)
        self.page.back_requested.connect(self.show_search)
        self.page.changed.connect(lambda _id: setattr(self, "_stale", True))
        self.page.loaded.connect(self._after_load)
        self.search.new_button.clicked.connect(self.open_new_member)
        self._stale = False
        self._print_card_of: str | None = None  # just registered with a card: offer to print it
        self.dialog: NewMemberDialog | None = None

    def open_new_member(self) -> None:
        self.dialog = NewMemberDialog(self.mctx, self)
        self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog.registered.connect(self._registered)
        self.dialog.open()

    def _registered(self, result: Registered) -> None:
        self._stale = True
        self._print_card_of = result.member_id if result.card_issued else None
        self.open_member(result.member_id)

    def _after_load(self) -> None:
        if self._print_card_of is not None and self._print_card_of == self.page.member_id:
            self._print_card_of = None
            self.page.open_action("card")  # the new card, to print

    def open_member(self, member_id: str) -> None:
        self.stack.setCurrentWidget(self.page)
        self.page.load(member_id)
        self.page.back.setFocus()

    def scan(self, text: str) -> None:
        """A scanned card (or phone) on the Members tab: search for it, from the page too."""
        self.stack.setCurrentWidget(self.search)
        self.search.query.setText(text.strip())
        self.search.search()
        self.search.focus_query()

    def show_search(self) -> None:
        self.stack.setCurrentWidget(self.search)
        if self._stale:
            self._stale = False
            self.search.refresh()
        elif self.search.never_searched:
            self.search.search()  # the newest members, until the manager asks for someone
        self.search.focus_query()

    def focus_search(self) -> None:
        self.show_search()
