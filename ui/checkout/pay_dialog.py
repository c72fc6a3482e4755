"""Payment: pick the tender (cash with change due, bank card, WeChat Pay, Alipay, and for a member
the stored value (储值) with its balance, not offered when it does not cover the sale), confirm with
Enter. The sale is committed first (checkout.sale, one transaction); only then does the dialog say
"paid" and show the receipt."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup, QDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QStackedWidget, QVBoxLayout,
    QWidget,
)

from terminal.errors import PosError
from terminal.money import parse_fen
from ui import errors, labels
from ui.checkout.session import SaleSession
from ui.errors import UiError
from ui.receipt_view import ReceiptView

TENDERS = (("cash", Qt.Key.Key_F5), ("card", Qt.Key.Key_F6), ("wechat", Qt.Key.Key_F7), ("alipay", Qt.Key.Key_F8),
           ("stored_value", Qt.Key.Key_F9))
STORED_VALUE = "stored_value"


def stored_value_balance(doc: dict[str, Any] | None, member: dict[str, Any] | None) -> int | None:
    """The member's stored value as the quote (else the member view) says, or None without a member."""
    if member is None:
        return None
    for value in ((doc or {}).get("stored_value_balance_fen"), member.get("stored_value_fen")):
        if value is not None:
            return int(value)
    return None


class PayDialog(QDialog):
    def __init__(self, session: SaleSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("payDialog")
        self.setWindowTitle(self.tr("Payment"))
        self.session = session
        doc = session.outcome.doc if session.outcome else None
        self.payable_fen = int(doc["payable_fen"]) if doc else 0
        programme = session.programme
        offered = programme is None or programme.stored_value.enabled
        self.stored_value_fen = stored_value_balance(doc, session.member) if offered else None
        self.tendered_fen: int | None = None
        self.receipt: dict[str, Any] | None = None

        self.pages = QStackedWidget()
        # -- page 1: take the money ----------------------------------------------------------------
        take = QWidget()
        self.amount = QLabel(self.tr("To pay: %1").replace("%1", labels.money(self.payable_fen)))
        self.amount.setObjectName("payable")
        self.group = QButtonGroup(self)
        tenders = QGridLayout()
        self.tender_buttons: dict[str, QPushButton] = {}
        for i, (method, key) in enumerate(TENDERS):
            key_name = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            button = QPushButton(f"{labels.pay_method_name(method)} ({key_name})")
            button.setCheckable(True)
            button.setMinimumHeight(60)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(button)
            self.tender_buttons[method] = button
            if method == STORED_VALUE:
                button.setObjectName("storedValueTender")
                tenders.addWidget(button, i // 2, 0, 1, 2)
                self._stored_value_button(button, key_name)
            else:
                tenders.addWidget(button, i // 2, i % 2)
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda m=method: self.set_method(m))
            button.clicked.connect(lambda _=False, m=method: self.set_method(m))
        self.cash_label = QLabel(self.tr("Cash received (empty: exact amount)"))
        self.cash = QLineEdit()
        self.cash.setObjectName("cashReceived")
        self.cash.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.change = QLabel()
        self.change.setObjectName("changeDue")
        self.stored_after = QLabel()
        self.stored_after.setObjectName("storedValueAfter")
        self.stored_after.setVisible(False)
        self.stored_after.setStyleSheet("#storedValueAfter { font-size: 22px; font-weight: bold; color: #1d4fb0; }")
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.confirm = QPushButton(self.tr("Confirm payment (Enter)"))
        self.confirm.setObjectName("payButton")
        self.confirm.setDefault(True)
        self.back = QPushButton(self.tr("Back to the sale (Esc)"))
        self.back.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.confirm, 2)
        take_layout = QVBoxLayout(take)
        take_layout.addWidget(self.amount)
        take_layout.addLayout(tenders)
        take_layout.addWidget(self.cash_label)
        take_layout.addWidget(self.cash)
        take_layout.addWidget(self.change)
        take_layout.addWidget(self.stored_after)
        take_layout.addWidget(self.message)
        take_layout.addStretch(1)
        take_layout.addLayout(buttons)
        # -- page 2: paid, and the receipt ---------------------------------------------------------
        done = QWidget()
        self.paid_banner = QLabel()
        self.paid_banner.setObjectName("paidBanner")
        self.paid_banner.setWordWrap(True)
        self.receipt_view = ReceiptView()
        self.next_button = QPushButton(self.tr("Next customer (Enter)"))
        self.next_button.setObjectName("payButton")
        done_layout = QVBoxLayout(done)
        done_layout.addWidget(self.paid_banner)
        done_layout.addWidget(self.receipt_view, 1)
        done_layout.addWidget(self.next_button)
        self.pages.addWidget(take)
        self.pages.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)

        self.cash.textChanged.connect(self._cash_changed)
        self.confirm.clicked.connect(self._confirm)
        self.back.clicked.connect(self.reject)
        self.next_button.clicked.connect(self.accept)
        session.paid.connect(self._paid)
        session.paying_failed.connect(self._failed)
        self.set_method("cash")
        self.resize(600, 760)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.activateWindow()
        (self.cash if self.method == "cash" else self.confirm).setFocus()

    @property
    def method(self) -> str:
        for method, button in self.tender_buttons.items():
            if button.isChecked():
                return method
        return "cash"

    def _stored_value_button(self, button: QPushButton, key_name: str) -> None:
        """Shown for a member only, with the balance; disabled when it does not cover the sale."""
        balance = self.stored_value_fen
        button.setVisible(balance is not None)
        if balance is None:
            button.setEnabled(False)
            return
        text = self.tr("Stored value (%1) — balance %2").replace("%1", key_name).replace(
            "%2", labels.money(balance))
        if balance < self.payable_fen:
            text += "\n" + self.tr("Not enough: short by %1").replace("%1", labels.money(self.payable_fen - balance))
        button.setText(text)
        button.setEnabled(balance >= self.payable_fen)

    def set_method(self, method: str) -> None:
        if self.pages.currentIndex() != 0:
            return
        if not self.tender_buttons[method].isEnabled():
            if method == STORED_VALUE and self.stored_value_fen is not None:
                self.message.setText(errors.message(PosError(
                    "stored_value_insufficient", balance=labels.money(self.stored_value_fen),
                    payable=labels.money(self.payable_fen))))
            return
        self.tender_buttons[method].setChecked(True)
        cash = method == "cash"
        self.cash_label.setVisible(cash)
        self.cash.setVisible(cash)
        self.change.setVisible(cash)
        stored = method == STORED_VALUE and self.stored_value_fen is not None
        self.stored_after.setVisible(stored)
        if stored:
            self.stored_after.setText(self.tr("Stored value after this sale: %1").replace(
                "%1", labels.money(int(self.stored_value_fen or 0) - self.payable_fen)))
        if cash:
            self.cash.setFocus()
        else:
            self.confirm.setFocus()
        self.message.clear()

    def _cash_changed(self, text: str) -> None:
        self.message.clear()
        if not text.strip():
            self.tendered_fen = None
            self.change.clear()
            return
        try:
            self.tendered_fen = parse_fen(text)
        except PosError:
            self.tendered_fen = None
            self.change.clear()
            return
        change = self.tendered_fen - self.payable_fen
        if change >= 0:
            self.change.setText(self.tr("Change due: %1").replace("%1", labels.money(change)))
        else:
            self.change.setText(self.tr("Short by %1").replace("%1", labels.money(-change)))

    def _confirm(self) -> None:
        if self.pages.currentIndex() != 0 or not self.confirm.isEnabled():
            return
        if self.method == "cash" and self.cash.text().strip():
            try:
                tendered = parse_fen(self.cash.text())
            except PosError as exc:
                self.message.setText(errors.message(exc))
                return
            if tendered < self.payable_fen:
                self.message.setText(errors.message(UiError("cash_short", amount=labels.money(self.payable_fen))))
                return
        self.confirm.setEnabled(False)
        self.back.setEnabled(False)
        self.message.setText(self.tr("Saving the sale…"))
        if self.session is not None:
            self.session.pay(self.method)

    def _paid(self, doc: dict[str, Any]) -> None:
        self.receipt = doc
        paid = int(doc["payable_fen"])
        text = self.tr("Paid %1 by %2").replace("%1", labels.money(paid)).replace(
            "%2", labels.pay_method_name(doc["pay_method"]))
        if doc["pay_method"] == "cash" and self.tendered_fen is not None:
            text += "\n" + self.tr("Change due: %1").replace("%1", labels.money(self.tendered_fen - paid))
        if doc["pay_method"] == STORED_VALUE and doc.get("stored_value_balance_fen") is not None:
            text += "\n" + self.tr("Stored value left: %1").replace(
                "%1", labels.money(int(doc["stored_value_balance_fen"])))
        self.paid_banner.setText(text)
        self.receipt_view.show_receipt(doc)
        self.pages.setCurrentIndex(1)
        self.next_button.setDefault(True)
        self.next_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        if self.pages.currentIndex() == 0:
            self.message.setText(errors.message(exc))
            self.confirm.setEnabled(True)
            self.back.setEnabled(True)

    def reject(self) -> None:
        if self.pages.currentIndex() == 1:
            self.accept()  # paid: Esc also means "next customer"
        elif self.back.isEnabled():
            super().reject()

    def done(self, result: int) -> None:
        if self.session is not None:
            self.session.paid.disconnect(self._paid)
            self.session.paying_failed.disconnect(self._failed)
            self.session = None  # type: ignore[assignment]
        super().done(result)
