"""Members: search, the member page and its actions. (Being built.)"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.manager.base import ManagerContext


class MembersTab(QWidget):
    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mctx = mctx
        QVBoxLayout(self)

    def open_member(self, member_id: str) -> None:
        pass

    def focus_search(self) -> None:
        pass
