"""The member panel: find by phone, last 4 or card; show who it is, their tier, points, badges and
coupons; register a new member without leaving the sale."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from terminal.rules import Programme
from ui import errors, labels
from ui.scanner import scan_field


class MemberPanel(QWidget):
    find_requested = Signal(str)
    register_requested = Signal()
    clear_requested = Signal()
    topup_requested = Signal()  # stored value top-up for the member shown (taken at the till)
    membership_requested = Signal()  # sell or renew the paid membership

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: Programme | None = None
        self._view: dict[str, Any] | None = None
        self.query = scan_field(QLineEdit())
        self.query.setObjectName("memberQuery")
        self.query.setClearButtonEnabled(True)
        self.find_button = QPushButton()
        self.new_button = QPushButton()
        self.clear_button = QPushButton()
        self.topup_button = QPushButton()
        self.topup_button.setObjectName("memberTopUp")
        self.membership_button = QPushButton()
        self.membership_button.setObjectName("memberMembership")
        for button in (self.topup_button, self.membership_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.name = QLabel()
        self.name.setObjectName("memberName")
        self.phone = QLabel()
        self.badges = QHBoxLayout()
        self.points = QLabel()
        self.expiring = QLabel()
        self.coupons = QLabel()
        self.coupons.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("memberMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(self.find_button)
        row.addWidget(self.new_button)
        row.addWidget(self.clear_button)
        who = QHBoxLayout()
        who.addWidget(self.name)
        who.addWidget(self.phone)
        who.addLayout(self.badges)
        who.addStretch(1)
        who.addWidget(self.topup_button)
        who.addWidget(self.membership_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(who)
        layout.addWidget(self.points)
        layout.addWidget(self.expiring)
        layout.addWidget(self.coupons)

        self.query.returnPressed.connect(self._find)
        self.find_button.clicked.connect(self._find)
        self.new_button.clicked.connect(self.register_requested)
        self.clear_button.clicked.connect(self.clear_requested)
        self.topup_button.clicked.connect(self.topup_requested)
        self.membership_button.clicked.connect(self.membership_requested)
        self.retranslate()
        self.show_member(None)

    def retranslate(self) -> None:
        self.query.setPlaceholderText(self.tr("Phone, last 4 or scan the card"))
        self.find_button.setText(self.tr("Find member (F1)"))
        self.new_button.setText(self.tr("New member (F6)"))
        self.clear_button.setText(self.tr("No member"))
        self.topup_button.setText(self.tr("Top up stored value"))
        self.membership_button.setText(self.tr("Paid membership"))
        self.show_member(self._view)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def _find(self) -> None:
        self.message.clear()
        self.message.hide()
        self.find_requested.emit(self.query.text())

    # -- showing ----------------------------------------------------------------------------------
    def show_member(self, view: dict[str, Any] | None) -> None:
        self._view = view
        while self.badges.count():
            item = self.badges.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for label in (self.points, self.expiring, self.coupons):
            label.setVisible(view is not None)
        offers = self.programme is not None and view is not None and view.get("status") == "active"
        self.topup_button.setVisible(offers and self.programme.stored_value.enabled)
        self.membership_button.setVisible(offers and self.programme.paid_membership.enabled)
        if view is None:
            self.name.setText(self.tr("No member: a sale without a member earns no points"))
            self.phone.clear()
            self.points.clear()
            self.expiring.clear()
            self.coupons.clear()
            return
        self.message.clear()
        self.message.hide()
        self.query.clear()
        self.name.setText(view.get("name") or self.tr("(no name)"))
        self.phone.setText(view["phone_masked"])
        self._badge(labels.tier_name(self.programme, view["tier"]), "badgeGold")
        self._badge(labels.lifecycle_name(view["lifecycle"]), "badge")
        if view.get("at_risk"):
            self._badge(self.tr("Tier at risk"), "badgeWarn")
        if view.get("high_value"):
            self._badge(self.tr("High-value member"), "badgeGold")
        if view.get("status") == "blacklisted":
            self._badge(self.tr("Blacklisted"), "badgeWarn")
        balance = int(view["points_balance"])
        points = self.tr("Points balance: %1").replace("%1", f"{balance:,}")
        if view.get("stored_value_fen"):
            points += "    " + self.tr("Stored value: %1").replace("%1", labels.money(int(view["stored_value_fen"])))
        self.points.setText(points)
        expiring = view.get("expiring_points") or []
        if expiring:
            parts = [self.tr("%1 on %2").replace("%1", f"{e['points']:,}").replace("%2", e["expires_on"])
                     for e in expiring]
            self.expiring.setText(self.tr("Expiring within 30 days: %1").replace("%1", ", ".join(parts)))
        else:
            self.expiring.clear()
            self.expiring.hide()
        available = [c for c in view.get("coupons", []) if c["status"] == "available"]
        if available:
            texts = [labels.coupon_text(self.programme, c) for c in available]
            self.coupons.setText(self.tr("Coupons: %1").replace("%1", "; ".join(texts)))
        else:
            self.coupons.setText(self.tr("Coupons: none available"))

    def _badge(self, text: str, style: str) -> None:
        badge = QLabel(text)
        badge.setObjectName(style)
        self.badges.addWidget(badge)

    def show_error(self, exc: BaseException) -> None:
        self.message.setText(errors.message(exc))
        self.message.show()
        self.query.selectAll()
