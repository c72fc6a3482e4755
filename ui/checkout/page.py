"""The checkout screen's layout: member and cart on the left, the quote and Pay on the right, the
function-key bar at the bottom. Layout only; the main window wires it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.checkout.cart_panel import CartPanel
from ui.checkout.member_panel import MemberPanel
from ui.checkout.quote_panel import QuotePanel

# (name, key text): the bar's buttons; the main window binds the keys.
ACTIONS = ("member", "line", "coupon", "points", "code", "register", "receipt", "refund", "manage",
           "signout", "settings", "remove", "clear")


class CheckoutPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.member = MemberPanel()
        self.cart = CartPanel()
        self.quote = QuotePanel()
        self.member_box, self.cart_box, self.quote_box = QGroupBox(), QGroupBox(), QGroupBox()
        QVBoxLayout(self.member_box).addWidget(self.member)
        QVBoxLayout(self.cart_box).addWidget(self.cart)
        QVBoxLayout(self.quote_box).addWidget(self.quote)
        self.quote_box.setMinimumWidth(400)
        self.quote_box.setMaximumWidth(520)
        left = QVBoxLayout()
        left.addWidget(self.member_box)
        left.addWidget(self.cart_box, 1)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addWidget(self.quote_box, 2)
        self.bar = QWidget()
        self.bar.setObjectName("actionBar")
        grid = QGridLayout(self.bar)
        grid.setContentsMargins(0, 0, 0, 0)
        self.buttons: dict[str, QPushButton] = {}
        for i, name in enumerate(ACTIONS):
            button = QPushButton()
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # touch: tapping keeps the keyboard focus put
            self.buttons[name] = button
            grid.addWidget(button, 0, i)
        grid.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.bar)
        self.retranslate()

    def retranslate(self) -> None:
        self.member_box.setTitle(self.tr("Member"))
        self.cart_box.setTitle(self.tr("Items"))
        self.quote_box.setTitle(self.tr("Total"))
        texts = {
            "member": self.tr("F1 Member"), "line": self.tr("F2 Add line"), "coupon": self.tr("F3 Coupon"),
            "points": self.tr("F4 Points"), "code": self.tr("F5 Product code"),
            "register": self.tr("F6 New member"), "receipt": self.tr("F7 Last receipt"),
            "refund": self.tr("F8 Refund"), "manage": self.tr("F9 Manage"), "signout": self.tr("F10 Sign out"),
            "settings": self.tr("F11 Settings"), "remove": self.tr("Del Remove line"),
            "clear": self.tr("Esc Clear sale"),
        }
        for name, button in self.buttons.items():
            button.setText(texts[name])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
