"""Several members share the last 4 digits: the cashier picks one from a short list (arrow keys and
Enter, a digit key, or a tap). Never guessed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from terminal.rules import Programme
from ui import labels

MAX_SHOWN = 50


class MemberPickDialog(QDialog):
    picked = Signal(str)  # member id

    def __init__(self, query: str, matches: list[dict[str, Any]], programme: Programme | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberPick")
        self.setWindowTitle(self.tr("Pick the member"))
        self.list = QListWidget()
        for i, m in enumerate(matches[:MAX_SHOWN]):
            prefix = f"{i + 1}. " if i < 9 else "    "
            text = f"{prefix}{m['phone_masked']}   {m.get('name') or self.tr('(no name)')}   " \
                   f"{labels.tier_name(programme, m.get('tier'))}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, m["member_id"])
            self.list.addItem(item)
        more = len(matches) - MAX_SHOWN
        heading = self.tr("%1 members match %2: ask the customer for the full phone number or pick one") \
            .replace("%1", str(len(matches))).replace("%2", query)
        if more > 0:
            heading += "\n" + self.tr("Only the first %1 are shown").replace("%1", str(MAX_SHOWN))
        label = QLabel(heading)
        label.setWordWrap(True)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addWidget(cancel)
        self.list.setCurrentRow(0)
        self.list.installEventFilter(self)
        self.list.itemClicked.connect(self._activate)
        cancel.clicked.connect(self.reject)
        self.resize(560, 420)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.activateWindow()
        self.list.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        """Digits 1-9 pick that row; Enter picks the current one (before the list's own search)."""
        if obj is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            if text.isdigit() and 1 <= int(text) <= min(9, self.list.count()):
                self._activate(self.list.item(int(text) - 1))
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.list.currentItem():
                self._activate(self.list.currentItem())
                return True
        return super().eventFilter(obj, event)

    def _activate(self, item: QListWidgetItem) -> None:
        self.picked.emit(item.data(Qt.ItemDataRole.UserRole))
        self.accept()
