"""The audit log: recent entries and the chain check. (Being built.)"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.manager.base import ManagerContext


class AuditTab(QWidget):
    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mctx = mctx
        QVBoxLayout(self)
