"""Errors as the cashier sees them: a known error (PosError) in the user's language; anything else
is a bug, logged with its trace and shown as a short apology with a reference to find it in the log."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from terminal.errors import PosError
from ui import i18n

log = logging.getLogger("pos-ui")


class UiError(Exception):
    """A known error of the app itself (not the core's): a code and parameters; the message is
    made on the GUI thread, in the UI's language."""

    def __init__(self, code: str, /, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self) -> str:
        texts = {
            "product_unknown": QCoreApplication.translate("Errors", "No product with code %1"),
            "cash_short": QCoreApplication.translate("Errors", "Cash received is less than the amount due (%1)"),
            "not_manager": QCoreApplication.translate("Errors", "A refund needs a manager's approval"),
            "not_manager_station": QCoreApplication.translate(
                "Errors", "The manager's station is for managers and admins; ask a manager to sign in"),
            "already_running": QCoreApplication.translate("Errors", "The checkout is already open on this computer"),
            "printer_unavailable": QCoreApplication.translate(
                "Errors", "The receipt printer %1 cannot be reached; the sale is saved, print it again later"),
            "not_set_up": QCoreApplication.translate(
                "Errors", "This terminal is not set up yet: run 'pos-terminal init' first"),
        }
        text = texts.get(self.code, self.code)
        for i, value in enumerate(self.params.values(), start=1):
            text = text.replace(f"%{i}", str(value))
        return text


def message(exc: BaseException) -> str:
    """What to tell the user about `exc` (logs it first when it is a bug)."""
    if isinstance(exc, PosError):
        return exc.message(i18n.error_lang())
    if isinstance(exc, UiError):
        return exc.message()
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error, reference %s", ref, exc_info=(type(exc), exc, exc.__traceback__))
    return QCoreApplication.translate(
        "Errors", "Sorry, something went wrong (reference %1). The details are in the log."
    ).replace("%1", ref)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A non-blocking message box (tests find it; the cashier closes it with Enter)."""
    box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Errors", "Cannot do that"),
                      message(exc), QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.open()
    return box


def confirm(parent: QWidget, title: str, text: str, then: Callable[[], object]) -> QMessageBox:
    """A non-blocking Yes/No question, No by default; `then()` runs on Yes."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setObjectName("confirmBox")
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    box.accepted.connect(then)
    box.open()
    return box
