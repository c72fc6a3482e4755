"""Settings: language (applied at once), receipt printing; for managers, importing the product
catalog from a CSV file. Saved in QSettings."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from terminal import auth
from terminal.services.context import Actor, Terminal
from ui import calls, errors, i18n
from ui.ops import Runner


class SettingsDialog(QDialog):
    language_chosen = Signal(str)

    def __init__(self, settings: QSettings, t: Terminal, runner: Runner, actor: Actor | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.settings, self.t, self.runner, self.actor = settings, t, runner, actor
        self.language = QComboBox()
        self.language.setObjectName("settingsLanguage")
        for code in i18n.LANGUAGES:
            self.language.addItem(i18n.LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current())))
        self.auto_print = QCheckBox(self.tr("Print the receipt after every sale"))
        self.auto_print.setChecked(str(settings.value("receipts/auto_print", "true")).lower() == "true")
        self.printer = QLineEdit(str(settings.value("receipts/printer", "") or ""))
        self.printer.setPlaceholderText(self.tr("Empty: save a PDF per receipt in the data folder"))
        self.escpos = QLineEdit(str(settings.value("receipts/escpos", "") or ""))
        self.escpos.setPlaceholderText(self.tr("network:192.168.1.50 or file:/dev/usb/lp0 (empty: not used)"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow("", self.auto_print)
        form.addRow(self.tr("Receipt printer"), self.printer)
        form.addRow(self.tr("ESC/POS thermal printer"), self.escpos)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        self.import_button = QPushButton(self.tr("Import product catalog (CSV: code,name,category,price)…"))
        self.import_button.setVisible(actor is not None and auth.role_at_least(actor.role, "manager"))
        layout.addWidget(self.import_button)
        layout.addWidget(self.message)
        close = QPushButton(self.tr("Save and close"))
        close.setDefault(True)
        layout.addWidget(close)
        close.clicked.connect(self.accept)
        self.import_button.clicked.connect(self._import)
        self.resize(560, 320)

    def accept(self) -> None:
        self.settings.setValue("receipts/auto_print", "true" if self.auto_print.isChecked() else "false")
        self.settings.setValue("receipts/printer", self.printer.text().strip())
        self.settings.setValue("receipts/escpos", self.escpos.text().strip())
        lang = self.language.currentData()
        if lang != i18n.current():
            self.settings.setValue("language", lang)
            self.language_chosen.emit(lang)
        self.settings.sync()
        super().accept()

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Product catalog"), "", "CSV (*.csv)")
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        actor = self.actor
        if actor is None:
            return
        self.message.setText(self.tr("Importing…"))
        self.runner.run(lambda: calls.import_catalog(self.t, actor, path),
                        lambda n: self.message.setText(self.tr("Imported %1 products").replace("%1", str(n))),
                        lambda exc: self.message.setText(errors.message(exc)))
