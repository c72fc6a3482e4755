"""The manager's station: tabs for members, staff and the audit log, and the way back to the
checkout (Esc, bound by the main window). Built only for a manager or admin who signed in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from ui.manager.audit_tab import AuditTab
from ui.manager.base import ManagerContext
from ui.manager.members_tab import MembersTab
from ui.manager.staff_tab import StaffTab


class ManagerStation(QWidget):
    back_requested = Signal()

    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerStation")
        self.mctx = mctx
        self.title = QLabel()
        self.title.setObjectName("stationTitle")
        self.back = QPushButton()
        self.back.setObjectName("stationBack")
        self.back.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back.clicked.connect(self.back_requested)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.back)
        self.members = MembersTab(mctx)
        self.staff = StaffTab(mctx)
        self.audit = AuditTab(mctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("stationTabs")
        for tab in (self.members, self.staff, self.audit):
            self.tabs.addTab(tab, "")
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    def open_member(self, member_id: str) -> None:
        self.tabs.setCurrentWidget(self.members)
        self.members.open_member(member_id)

    def scan(self, text: str) -> None:
        """A scanner burst with no dialog open: a member card, looked up on the Members tab."""
        self.tabs.setCurrentWidget(self.members)
        self.members.scan(text)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Manager's station — %1").replace("%1", self.mctx.actor.name or self.mctx.actor.staff_id))
        self.back.setText(self.tr("Back to checkout (Esc)"))
        for i, text in enumerate((self.tr("Members"), self.tr("Staff"), self.tr("Audit log"))):
            self.tabs.setTabText(i, text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def focus(self) -> Any:
        self.members.focus_search()
