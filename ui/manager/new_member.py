"""Register a member at the manager's station: phone, name, birthday, referrer, marketing consent,
and a member card issued at once (then printed from the card dialog). All or nothing: the
registration, the consent and the card are one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from terminal.services import card_service, members, privacy
from terminal.services.context import Actor, Terminal
from ui import errors
from ui.manager.base import ManagerContext


@dataclass(frozen=True)
class Registered:
    member_id: str
    card_issued: bool


def register(t: Terminal, actor: Actor, phone: str, name: str | None, birthday: str | None, referrer: str | None,
             consent: bool, card: bool) -> Registered:
    """Worker thread: the whole registration in one write transaction (nested services join it)."""
    with t.store.write():
        done = members.register(t, actor, phone, name=name, birthday=birthday, referrer=referrer)
        if consent:
            privacy.update_profile(t, actor, done.member_id, marketing_consent=True)
        if card:
            card_service.issue(t, actor, done.member_id)
    return Registered(done.member_id, card)


class NewMemberDialog(QDialog):
    registered = Signal(object)  # Registered

    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("newMemberDialog")
        self.setWindowTitle(self.tr("New member"))
        self.mctx = mctx
        self.phone = QLineEdit()
        self.phone.setObjectName("newMemberPhone")
        self.phone.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.phone.setPlaceholderText(self.tr("Mobile number, e.g. 138 1234 5678"))
        self.name = QLineEdit()
        self.name.setObjectName("newMemberName")
        self.name.setMaxLength(50)
        self.birthday = QLineEdit()
        self.birthday.setObjectName("newMemberBirthday")
        self.birthday.setPlaceholderText(self.tr("YYYY-MM-DD (optional)"))
        self.referrer = QLineEdit()
        self.referrer.setObjectName("newMemberReferrer")
        self.referrer.setPlaceholderText(self.tr("Referrer's phone (optional)"))
        self.consent = QCheckBox(self.tr("Agrees to receive marketing messages"))
        self.card = QCheckBox(self.tr("Issue a member card now"))
        self.card.setChecked(True)
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.ok = QPushButton(self.tr("Register (Enter)"))
        self.ok.setObjectName("newMemberOk")
        self.ok.setDefault(True)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setAutoDefault(False)
        form = QFormLayout()
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Birthday"), self.birthday)
        form.addRow(self.tr("Referred by"), self.referrer)
        form.addRow("", self.consent)
        form.addRow("", self.card)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.ok.clicked.connect(self.submit)
        cancel.clicked.connect(self.reject)
        self.resize(520, 420)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.phone.setFocus()

    def submit(self) -> None:
        if not self.ok.isEnabled():
            return
        self.ok.setEnabled(False)
        self.message.clear()
        m = self.mctx
        args = (self.phone.text(), self.name.text().strip() or None, self.birthday.text().strip() or None,
                self.referrer.text().strip() or None, self.consent.isChecked(), self.card.isChecked())
        m.runner.run(lambda: register(m.t, m.actor, *args), self._done, self._failed)

    def _done(self, result: Registered) -> None:
        self.registered.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.message.setText(errors.message(exc))
        self.phone.setFocus()
