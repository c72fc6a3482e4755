"""Sign-in: staff id and PIN. A wrong PIN says how many tries are left; a locked account says
until when. The PIN check (a slow hash) runs off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from terminal.services.context import Terminal
from ui import calls, errors, i18n
from ui.ops import Runner


class SignInPanel(QWidget):
    signed_in = Signal(object)  # calls.SignedIn
    language_requested = Signal(str)

    def __init__(self, t: Terminal, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.t, self.runner = t, runner
        self.title = QLabel()
        self.title.setObjectName("signinTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel()
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.staff = QLineEdit()
        self.staff.setObjectName("staffId")
        self.staff.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.pin = QLineEdit()
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.pin.setMaxLength(12)
        self.button = QPushButton()
        self.button.setObjectName("signInButton")
        self.message = QLabel()
        self.message.setObjectName("signinMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.language = QComboBox()
        self.language.setObjectName("language")
        for code in i18n.LANGUAGES:
            self.language.addItem(i18n.LANGUAGE_NAMES[code], code)
        self.staff_label, self.pin_label, self.language_label = QLabel(), QLabel(), QLabel()

        form = QFormLayout()
        form.addRow(self.staff_label, self.staff)
        form.addRow(self.pin_label, self.pin)
        box = QWidget()
        box.setMaximumWidth(520)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addSpacing(16)
        inner.addLayout(form)
        inner.addWidget(self.button)
        inner.addWidget(self.message)
        lang = QHBoxLayout()
        lang.addStretch(1)
        lang.addWidget(self.language_label)
        lang.addWidget(self.language)
        inner.addSpacing(24)
        inner.addLayout(lang)
        outer = QHBoxLayout()
        outer.addStretch(1)
        outer.addWidget(box, 2)
        outer.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(outer)
        layout.addStretch(2)

        self.staff.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        self.language.activated.connect(lambda _i: self.language_requested.emit(self.language.currentData()))
        self.store_name = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.store_name or self.tr("Checkout"))
        self.subtitle.setText(self.tr("Member checkout · sign in to start"))
        self.staff_label.setText(self.tr("Staff id"))
        self.pin_label.setText(self.tr("PIN"))
        self.staff.setPlaceholderText(self.tr("e.g. c01"))
        self.pin.setPlaceholderText(self.tr("4 to 12 digits"))
        self.button.setText(self.tr("Sign in (Enter)"))
        self.language_label.setText(self.tr("Language"))
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current())))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_store_name(self, name: str) -> None:
        self.store_name = name
        self.retranslate()

    def reset(self) -> None:
        self.pin.clear()
        self.message.clear()
        self.button.setEnabled(True)
        (self.pin if self.staff.text() else self.staff).setFocus()

    def submit(self) -> None:
        staff_id, pin = self.staff.text().strip(), self.pin.text()
        if not staff_id:
            self.staff.setFocus()
            return
        if not self.button.isEnabled():
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        self.pin.clear()
        self.runner.run(lambda: calls.sign_in(self.t, staff_id, pin), self._done, self._failed)

    def _done(self, signed: calls.SignedIn) -> None:
        self.button.setEnabled(True)
        self.message.clear()
        self.signed_in.emit(signed)

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.message.setText(errors.message(exc))
        self.pin.setFocus()
