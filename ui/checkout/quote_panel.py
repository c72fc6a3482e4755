"""The quote panel: the live price in the declared order (subtotal, tier discount, coupon, points),
the payable amount, points to earn, the upgrade nudge; coupon and points inputs; Pay."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget,
)

from terminal.rules import Programme
from ui import errors, labels
from ui.calls import QuoteOutcome
from ui.scanner import scan_field

MAX_POINTS_INPUT = 100_000_000


class QuotePanel(QWidget):
    coupon_selected = Signal(object)  # code or None
    redeem_selected = Signal(int)
    pay_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: Programme | None = None
        self._outcome: QuoteOutcome | None = None
        self._member: dict[str, Any] | None = None
        self._syncing = False
        self._max: int | None = None

        self.coupon_label = QLabel()
        self.coupon = QComboBox()
        self.coupon.setObjectName("coupon")
        self.coupon_code = scan_field(QLineEdit())
        self.coupon_code.setObjectName("couponCode")
        self.redeem_label = QLabel()
        self.redeem = QSpinBox()
        self.redeem.setObjectName("redeem")
        self.redeem.setRange(0, MAX_POINTS_INPUT)
        self.redeem.setSingleStep(100)
        self.redeem.setKeyboardTracking(False)
        self.redeem.setGroupSeparatorShown(True)
        self.max_button = QPushButton()
        self.redeem_max = QLabel()
        self.redeem_max.setWordWrap(True)
        self.steps = QGridLayout()
        self.payable_label = QLabel()
        self.payable = QLabel()
        self.payable.setObjectName("payable")
        self.payable.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.earn = QLabel()
        self.nudge = QLabel()
        self.nudge.setObjectName("nudge")
        self.nudge.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.pay_button = QPushButton()
        self.pay_button.setObjectName("payButton")

        inputs = QGridLayout()
        inputs.addWidget(self.coupon_label, 0, 0)
        inputs.addWidget(self.coupon, 0, 1, 1, 2)
        inputs.addWidget(self.coupon_code, 1, 1, 1, 2)
        inputs.addWidget(self.redeem_label, 2, 0)
        inputs.addWidget(self.redeem, 2, 1)
        inputs.addWidget(self.max_button, 2, 2)
        inputs.addWidget(self.redeem_max, 3, 1, 1, 2)
        inputs.setColumnStretch(1, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        total = QHBoxLayout()
        total.addWidget(self.payable_label)
        total.addWidget(self.payable, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(inputs)
        layout.addWidget(line)
        layout.addLayout(self.steps)
        layout.addLayout(total)
        layout.addWidget(self.earn)
        layout.addWidget(self.nudge)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        layout.addWidget(self.pay_button)

        self.coupon.currentIndexChanged.connect(self._coupon_picked)
        self.coupon_code.returnPressed.connect(self._coupon_typed)
        self.redeem.valueChanged.connect(self._redeem_changed)
        self.max_button.clicked.connect(self.use_max)
        self.pay_button.clicked.connect(self.pay_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.coupon_label.setText(self.tr("Coupon (F3)"))
        self.coupon_code.setPlaceholderText(self.tr("or type / scan a coupon code"))
        self.redeem_label.setText(self.tr("Points (F4)"))
        self.max_button.setText(self.tr("Use max"))
        self.payable_label.setText(self.tr("To pay"))
        self.pay_button.setText(self.tr("Pay (F12)"))
        self.show_member(self._member)
        self.show_quote(self._outcome)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- inputs -----------------------------------------------------------------------------------
    def focus_coupon(self) -> None:
        self.coupon.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_redeem(self) -> None:
        self.redeem.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.redeem.selectAll()

    def use_max(self) -> None:
        if self._max is not None:
            self.redeem.setValue(self._max)

    def _coupon_picked(self, _index: int) -> None:
        if not self._syncing:
            self.coupon_selected.emit(self.coupon.currentData())

    def _coupon_typed(self) -> None:
        code = self.coupon_code.text().strip()
        if code:
            self.coupon_selected.emit(code)
            self.coupon_code.clear()

    def _redeem_changed(self, value: int) -> None:
        if not self._syncing:
            self.redeem_selected.emit(value)

    # -- showing (from the session) -----------------------------------------------------------------
    def show_member(self, view: dict[str, Any] | None) -> None:
        self._member = view
        self._syncing = True
        try:
            current = self.coupon.currentData()
            self.coupon.clear()
            self.coupon.addItem(self.tr("No coupon"), None)
            for c in (view or {}).get("coupons", []):
                if c["status"] == "available":
                    self.coupon.addItem(labels.coupon_text(self.programme, c), c["code"])
            self._select_coupon(current)
        finally:
            self._syncing = False
        has_member = view is not None
        for w in (self.coupon, self.coupon_code, self.redeem, self.max_button):
            w.setEnabled(has_member)

    def show_coupon(self, code: str | None) -> None:
        self._syncing = True
        try:
            self._select_coupon(code)
        finally:
            self._syncing = False

    def _select_coupon(self, code: str | None) -> None:
        index = self.coupon.findData(code) if code else 0
        if index < 0:  # a scanned or typed code not in the member's list
            self.coupon.addItem(code or "", code)
            index = self.coupon.count() - 1
        self.coupon.setCurrentIndex(max(index, 0))

    def show_redeem(self, points: int) -> None:
        self._syncing = True
        try:
            self.redeem.setValue(points)
        finally:
            self._syncing = False

    def show_quote(self, outcome: QuoteOutcome | None) -> None:
        self._outcome = outcome
        while self.steps.count():
            item = self.steps.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        doc = outcome.doc if outcome else None
        self.problem.setText(errors.message(outcome.problem) if outcome and outcome.problem else "")
        if doc is None:
            self.payable.setText(labels.money(0))
            self.earn.clear()
            self.nudge.hide()
            self.redeem_max.clear()
            self._max = None
            self.pay_button.setEnabled(False)
            return
        self._step(self.tr("Subtotal"), doc["subtotal_fen"])
        for exp in doc["explanations"]:
            if exp["step"] != "points_earned":
                self._step(labels.explanation_text(exp), exp["amount_fen"])
        self.payable.setText(labels.money(doc["payable_fen"]))
        limit = doc.get("redeem_max")
        self._max = None if limit is None else int(limit["max_points"])
        if limit is not None:
            text = self.tr("At most %1 points (%2)").replace("%1", f"{limit['max_points']:,}").replace(
                "%2", labels.redeem_why(limit))
            if doc.get("offline") and self.programme is not None:
                cap = self.programme.redeem.offline_cap_points
                text += "\n" + self.tr("Offline: at most %1 points per member per day").replace("%1", f"{cap:,}")
            self.redeem_max.setText(text)
        else:
            self.redeem_max.clear()
        if doc.get("member"):
            earn = self.tr("Points to earn: +%1").replace("%1", f"{doc['points_earned']:,}")
            if doc.get("bonus_points"):
                earn += "  " + self.tr("monthly bonus +%1").replace("%1", f"{doc['bonus_points']:,}")
            self.earn.setText(earn)
        else:
            self.earn.setText(self.tr("No member: no points earned"))
        nudge = labels.nudge(self.programme, doc)
        self.nudge.setText(nudge or "")
        self.nudge.setVisible(bool(nudge))
        self.pay_button.setEnabled(outcome.payable if outcome else False)

    def _step(self, text: str, fen: int) -> None:
        row = self.steps.rowCount()
        name = QLabel(text)
        name.setWordWrap(True)
        amount = QLabel(("-" + labels.money(-fen)) if fen < 0 else labels.money(fen))
        amount.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.steps.addWidget(name, row, 0)
        self.steps.addWidget(amount, row, 1)

    def set_busy(self, busy: bool) -> None:
        if busy:
            self.pay_button.setEnabled(False)
        elif self._outcome is not None:
            self.pay_button.setEnabled(self._outcome.payable)
