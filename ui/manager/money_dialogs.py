"""Money taken at the till for a member: a stored-value top-up (the bonus the amount earns, 充500送50,
is shown before confirming) and paid membership (fee, tier and the period it buys, renewal
extending the period in force). The services check everything again and record it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from terminal import membership as paid_rules, stored_value as sv_rules
from terminal.errors import PosError
from terminal.money import parse_fen
from terminal.services import membership, standing, stored_value
from ui import errors, i18n, labels
from ui.manager.action_parts import TenderPicker, button_row, member_header
from ui.manager.base import ActionDialog, ManagerContext


def _yuan(fen: int) -> str:
    return str(fen // 100) if fen % 100 == 0 else f"{fen // 100}.{fen % 100:02d}"


def bonus_steps_text(mctx: ManagerContext) -> str:
    """'充500送50' / 'top up ¥500, get ¥50 more', every step of the programme."""
    steps = mctx.programme.stored_value.bonus
    if i18n.current() == "en":
        return "; ".join(f"top up {labels.money(s.min_fen)}, get {labels.money(s.bonus_fen)} more" for s in steps)
    return "，".join(f"充{_yuan(s.min_fen)}送{_yuan(s.bonus_fen)}" for s in steps)


class TopUpDialog(ActionDialog):
    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("topUpDialog")
        self.setWindowTitle(self.tr("Stored value top-up"))
        self.rules = mctx.programme.stored_value
        known = member.get("stored_value_fen")
        self.balance_fen: int | None = int(known) if known is not None else None
        self.balance = QLabel()
        self.balance.setObjectName("storedValueBalance")
        self.steps = QLabel()
        self.steps.setObjectName("badgeGold")
        self.steps.setVisible(bool(self.rules.bonus))
        if self.rules.bonus:
            self.steps.setText(self.tr("Top-up bonus: %1").replace("%1", bonus_steps_text(mctx)))
        self.amount = QLineEdit()
        self.amount.setObjectName("topUpAmount")
        self.amount.setPlaceholderText(self.tr("Amount paid, e.g. 500"))
        self.amount.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.tender = TenderPicker()
        self.preview = QLabel()
        self.preview.setObjectName("topUpPreview")
        self.preview.setWordWrap(True)
        self.preview.setStyleSheet("#topUpPreview { font-size: 20px; font-weight: bold; color: #1a7f37; }")
        self.confirm = QPushButton(self.tr("Take the money and top up (Enter)"))
        self.confirm.setObjectName("topUpConfirm")
        self.cancel = QPushButton(self.tr("Cancel (Esc)"))
        form = QFormLayout()
        form.addRow(self.tr("Amount paid"), self.amount)
        form.addRow(self.tr("Paid by"), self.tender)
        layout = QVBoxLayout(self)
        layout.addWidget(member_header(mctx.programme, member))
        layout.addWidget(self.balance)
        layout.addWidget(self.steps)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.amount.textChanged.connect(self._preview)
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)
        self.resize(600, 420)
        if not self.rules.enabled:
            self.message.setText(errors.message(PosError("stored_value_disabled")))
            self.confirm.setEnabled(False)
            self.amount.setEnabled(False)
        self._show_balance()
        self._preview()
        member_id = member["member_id"]
        self.call(lambda: stored_value.balance(mctx.t, member_id), self._balance_loaded)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.amount.setFocus()

    def _balance_loaded(self, fen: int) -> None:
        self.balance_fen = int(fen)
        self._show_balance()
        self._preview()
        self.amount.setFocus()

    def _show_balance(self) -> None:
        shown = labels.money(self.balance_fen) if self.balance_fen is not None else "…"
        self.balance.setText(self.tr("Stored value now: %1").replace("%1", shown))

    def paid_fen(self) -> int | None:
        try:
            return parse_fen(self.amount.text()) if self.amount.text().strip() else None
        except PosError:
            return None

    def _preview(self) -> None:
        if self.rules.enabled:
            self.message.clear()
        paid = self.paid_fen()
        if paid is None or paid <= 0:
            self.preview.clear()
            return
        bonus = sv_rules.topup_bonus(self.mctx.programme, paid)
        text = self.tr("Bonus %1 · credited %2").replace("%1", labels.money(bonus)).replace(
            "%2", labels.money(paid + bonus))
        if self.balance_fen is not None:
            text += " · " + self.tr("balance after %1").replace("%1", labels.money(self.balance_fen + paid + bonus))
        if not bonus and self.rules.bonus:
            nxt = next((s for s in self.rules.bonus if s.min_fen > paid), None)
            if nxt is not None:
                text += "\n" + self.tr("Top up %1 to get a bonus of %2").replace(
                    "%1", labels.money(nxt.min_fen)).replace("%2", labels.money(nxt.bonus_fen))
        self.preview.setText(text)

    def submit(self) -> None:
        if not self.isEnabled() or not self.confirm.isEnabled():
            return
        try:
            paid = parse_fen(self.amount.text())
        except PosError as exc:
            self.message.setText(errors.message(exc))
            self.amount.setFocus()
            return
        mctx, member_id, method = self.mctx, self.member["member_id"], self.tender.method
        self.call(lambda: stored_value.topup(mctx.t, mctx.actor, member_id, paid, method).document)


@dataclass(frozen=True)
class MembershipOffer:
    starts_at: datetime
    ends_at: datetime
    renewal: bool
    paid_until: datetime | None


def _offer(mctx: ManagerContext, member_id: str) -> MembershipOffer:
    """What buying now gives this member (worker thread: reads the member's grants)."""
    t = mctx.t
    now = t.now()
    grants = standing.grants(t, member_id)
    grant = paid_rules.next_grant(t.programme, grants, now)
    until = paid_rules.paid_until(grants, now)
    return MembershipOffer(grant.starts_at, grant.ends_at, until is not None, until)


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


class MembershipDialog(ActionDialog):
    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("membershipDialog")
        self.paid = mctx.programme.paid_membership
        name = self.paid.name_en if i18n.current() == "en" else self.paid.name
        self.setWindowTitle(name)
        self.offer: MembershipOffer | None = None
        self.result_doc: dict[str, Any] | None = None
        tier = labels.tier_name(mctx.programme, self.paid.tier) if self.paid.tier else ""
        self.summary = QLabel(self.tr("%1: %2 for %3 months, fee %4").replace("%1", name).replace("%2", tier).replace(
            "%3", str(self.paid.months)).replace("%4", labels.money(self.paid.fee_fen)))
        self.summary.setObjectName("membershipSummary")
        self.summary.setWordWrap(True)
        self.period = QLabel(self.tr("Working out the period…"))
        self.period.setObjectName("membershipPeriod")
        self.period.setWordWrap(True)
        self.tender = TenderPicker()
        self.confirm = QPushButton(self.tr("Take %1 and activate (Enter)").replace("%1", labels.money(self.paid.fee_fen)))
        self.confirm.setObjectName("membershipConfirm")
        self.confirm.setEnabled(False)
        self.cancel = QPushButton(self.tr("Cancel (Esc)"))
        form = QFormLayout()
        form.addRow(self.tr("Paid by"), self.tender)
        layout = QVBoxLayout(self)
        layout.addWidget(member_header(mctx.programme, member))
        layout.addWidget(self.summary)
        layout.addWidget(self.period)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.confirm.clicked.connect(self.submit)
        self.cancel.clicked.connect(self.reject)
        self.resize(600, 360)
        if not self.paid.enabled:
            self.summary.clear()
            self.period.clear()
            self.message.setText(errors.message(PosError("membership_disabled")))
            return
        member_id = member["member_id"]
        self.call(lambda: _offer(mctx, member_id), self._offered)

    def _offered(self, offer: MembershipOffer) -> None:
        self.offer = offer
        period = self.tr("From %1 to %2").replace("%1", _day(offer.starts_at)).replace(
            "%2", _day(offer.ends_at))
        if offer.renewal and offer.paid_until is not None:
            period = self.tr("Renewal: paid until %1 now; extends it to %2").replace(
                "%1", _day(offer.paid_until)).replace("%2", _day(offer.ends_at))
        self.period.setText(period)
        self.confirm.setEnabled(True)
        self.confirm.setFocus()

    def submit(self) -> None:
        if not self.isEnabled() or not self.confirm.isEnabled():
            return
        mctx, member_id, method = self.mctx, self.member["member_id"], self.tender.method
        self.call(lambda: membership.buy(mctx.t, mctx.actor, member_id, method).document)
