"""Pieces the member action dialogs share: who the action is for, the confirm/cancel row, the
tender picker for money taken at the till."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QHBoxLayout, QLabel, QPushButton, QWidget

from terminal.rules import Programme
from ui import labels

TILL_TENDERS = ("cash", "card", "wechat", "alipay")


def member_line(programme: Programme | None, member: dict[str, Any]) -> str:
    """'138****5678  张伟  ·  金卡会员' in the UI's language."""
    tier = labels.tier_name(programme, member.get("tier")) or member.get("tier_name") or ""
    parts = [member.get("phone_masked") or "", member.get("name") or ""]
    text = "  ".join(p for p in parts if p)
    return f"{text}  ·  {tier}" if tier else text


def member_header(programme: Programme | None, member: dict[str, Any]) -> QLabel:
    label = QLabel(member_line(programme, member))
    label.setObjectName("memberName")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def button_row(confirm: QPushButton, cancel: QPushButton) -> QHBoxLayout:
    confirm.setObjectName("payButton")
    confirm.setDefault(True)
    cancel.setAutoDefault(False)
    row = QHBoxLayout()
    row.addWidget(cancel, 1)
    row.addWidget(confirm, 2)
    return row


class TenderPicker(QWidget):
    """Cash, bank card, WeChat Pay, Alipay: toggle buttons, one checked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, method in enumerate(TILL_TENDERS):
            button = QPushButton(labels.pay_method_name(method))
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(button)
            self.buttons[method] = button
            grid.addWidget(button, 0, i)
        self.buttons["cash"].setChecked(True)

    @property
    def method(self) -> str:
        for method, button in self.buttons.items():
            if button.isChecked():
                return method
        return "cash"

    def set_method(self, method: str) -> None:
        self.buttons[method].setChecked(True)



