"""Register a new member in place (phone and an optional name) without leaving the sale: the new
member becomes the sale's member."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ui import errors
from ui.checkout.session import SaleSession


class RegisterDialog(QDialog):
    def __init__(self, session: SaleSession, parent: QWidget | None = None, phone: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("registerDialog")
        self.setWindowTitle(self.tr("New member"))
        self.session = session
        self.phone = QLineEdit(phone)
        self.phone.setObjectName("registerPhone")
        self.phone.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.phone.setPlaceholderText(self.tr("Mobile number, e.g. 138 1234 5678"))
        self.name = QLineEdit()
        self.name.setObjectName("registerName")
        self.name.setPlaceholderText(self.tr("Optional"))
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.ok = QPushButton(self.tr("Register (Enter)"))
        self.ok.setDefault(True)
        cancel = QPushButton(self.tr("Cancel (Esc)"))
        cancel.setAutoDefault(False)
        form = QFormLayout()
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Name"), self.name)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.ok.clicked.connect(self._register)
        cancel.clicked.connect(self.reject)
        self.resize(480, 260)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.activateWindow()
        (self.name if self.phone.text() else self.phone).setFocus()

    def _register(self) -> None:
        if not self.ok.isEnabled():
            return
        self.ok.setEnabled(False)
        self.message.setText(self.tr("Registering…"))
        self.session.register(self.phone.text(), self.name.text().strip() or None, self._done, self._failed)

    def _done(self, _view: dict[str, Any]) -> None:
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        self.message.setText(errors.message(exc))
        self.phone.setFocus()
        self.phone.selectAll()
