"""A manager's points correction (a signed number and a reason, both required: the service refuses
otherwise and nothing changes) and giving a member a coupon from the programme's templates."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from terminal.errors import PosError
from terminal.rules import CouponTemplate
from terminal.services import members
from ui import errors, i18n, labels
from ui.manager.action_parts import button_row, member_header
from ui.manager.base import ActionDialog, ManagerContext

MAX_DELTA = 9_999_999


def parse_delta(text: str) -> int | None:
    """'+200' / '-150' / '200' -> int; None if empty, zero-length or not a whole number."""
    text = text.strip().replace("，", "").replace(",", "").replace(" ", "")
    if text in ("", "+", "-"):
        return None
    try:
        value = int(text)
    except ValueError:
        return None
    return value if abs(value) <= MAX_DELTA else None


class AdjustPointsDialog(ActionDialog):
    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("adjustPointsDialog")
        self.setWindowTitle(self.tr("Adjust points"))
        self.balance = int(member.get("points_balance") or 0)
        self.now_label = QLabel(self.tr("Points now: %1").replace("%1", f"{self.balance:,}"))
        self.delta = QLineEdit()
        self.delta.setObjectName("adjustDelta")
        self.delta.setPlaceholderText(self.tr("e.g. 200 to add, -150 to take away"))
        self.delta.setValidator(QRegularExpressionValidator(QRegularExpression(r"[+-]?[0-9,，]{0,9}"), self.delta))
        self.delta.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.after = QLabel()
        self.after.setObjectName("adjustAfter")
        self.reason = QLineEdit()
        self.reason.setObjectName("adjustReason")
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(self.tr("Required, e.g. points missed on receipt A1B2C3-000042"))
        self.confirm = QPushButton(self.tr("Adjust points (Enter)"))
        self.confirm.setObjectName("adjustConfirm")
        self.cancel = QPushButton(self.tr("Cancel (Esc)"))
        form = QFormLayout()
        form.addRow(self.tr("Change"), self.delta)
        form.addRow("", self.after)
        form.addRow(self.tr("Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(member_header(mctx.programme, member))
        layout.addWidget(self.now_label)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.delta.textChanged.connect(self._preview)
        self.delta.returnPressed.connect(self.reason.setFocus)
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)
        self._preview()
        self.resize(560, 340)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.delta.setFocus()

    def _preview(self) -> None:
        delta = parse_delta(self.delta.text())
        if delta is None or delta == 0:
            self.after.clear()
            return
        after = self.balance + delta
        text = self.tr("Points after: %1").replace("%1", f"{after:,}")
        if after < 0:
            text += " — " + self.tr("below zero: not allowed")
        self.after.setText(text)

    def submit(self) -> None:
        if not self.isEnabled():
            return
        delta = parse_delta(self.delta.text())
        if delta is None:
            self.message.setText(self.tr("Enter the change in points, e.g. 200 or -150"))
            self.delta.setFocus()
            return
        reason = self.reason.text()
        if not reason.strip():  # the service refuses it too; here the cursor goes where it is missing
            self.message.setText(errors.message(PosError("adjust_reason_required")))
            self.reason.setFocus()
            return
        mctx, member_id = self.mctx, self.member["member_id"]
        self.call(lambda: members.adjust_points(mctx.t, mctx.actor, member_id, delta, reason))


def template_text(template: CouponTemplate) -> str:
    """'回归礼券 满100减30' / 'RECALL ¥30 off over ¥100'."""
    if i18n.current() == "en":
        return f"{template.template} {labels.coupon_rule_en(template)}"
    return template.name


class GiveCouponDialog(ActionDialog):
    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("giveCouponDialog")
        self.setWindowTitle(self.tr("Give a coupon"))
        self.templates = QListWidget()
        self.templates.setObjectName("couponTemplates")
        templates = sorted(mctx.programme.coupons, key=lambda c: (c.issue_on != "manual", c.template))
        for template in templates:
            if template.validity == "birthday_month":
                valid = self.tr("valid in the birthday month")
            else:
                valid = self.tr("valid %1 days").replace("%1", str(template.valid_days))
            item = QListWidgetItem(f"{template_text(template)}  ·  {valid}")
            item.setData(Qt.ItemDataRole.UserRole, template.template)
            self.templates.addItem(item)
        if self.templates.count():
            self.templates.setCurrentRow(0)
        self.confirm = QPushButton(self.tr("Give the coupon (Enter)"))
        self.confirm.setObjectName("couponConfirm")
        self.confirm.setEnabled(self.templates.count() > 0)
        self.cancel = QPushButton(self.tr("Cancel (Esc)"))
        layout = QVBoxLayout(self)
        layout.addWidget(member_header(mctx.programme, member))
        layout.addWidget(QLabel(self.tr("Coupon")))
        layout.addWidget(self.templates, 1)
        layout.addWidget(self.message)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.templates.itemActivated.connect(lambda _item: self.submit())
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)
        self.resize(560, 420)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.templates.setFocus()

    @property
    def template(self) -> str | None:
        item = self.templates.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, template: str) -> None:
        for i in range(self.templates.count()):
            if self.templates.item(i).data(Qt.ItemDataRole.UserRole) == template:
                self.templates.setCurrentRow(i)

    def submit(self) -> None:
        template = self.template
        if template is None or not self.isEnabled():
            return
        mctx, member_id = self.mctx, self.member["member_id"]
        self.call(lambda: members.give_coupon(mctx.t, mctx.actor, member_id, template))
