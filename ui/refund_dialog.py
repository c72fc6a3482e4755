"""Refund from a receipt number, approved by a manager's PIN (the manager signs in for this one
refund: staff.sign_in; the service checks the role). Whole sale, or some lines: '1, 3:2'."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from terminal.errors import PosError
from terminal.services.context import Terminal
from ui import calls, errors, labels
from ui.ops import Runner
from ui.scanner import scan_field


def parse_lines(text: str) -> list[tuple[int, int | None]]:
    """'1, 3:2' -> [(1, None), (3, 2)]: line 1 whole, 2 of line 3. Empty: the whole sale."""
    out: list[tuple[int, int | None]] = []
    for part in text.replace("，", ",").replace("：", ":").split(","):
        part = part.strip()
        if not part:
            continue
        line, _, qty = part.partition(":")
        if not line.strip().isdigit() or (qty and not qty.strip().isdigit()):
            raise PosError("refund_line_invalid", text=part)
        out.append((int(line), int(qty) if qty else None))
    return out


class RefundDialog(QDialog):
    refunded = Signal(dict)

    def __init__(self, t: Terminal, runner: Runner, manager_id: str = "", receipt_no: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refundDialog")
        self.setWindowTitle(self.tr("Refund"))
        self.t, self.runner = t, runner
        self.receipt_no = scan_field(QLineEdit(receipt_no))
        self.receipt_no.setObjectName("refundReceipt")
        self.receipt_no.setPlaceholderText(self.tr("Receipt number, e.g. A1B2C3-000042"))
        self.lines = QLineEdit()
        self.lines.setObjectName("refundLines")
        self.lines.setPlaceholderText(self.tr("Empty: the whole sale. Or lines, e.g. 1, 3:2"))
        self.manager = QLineEdit(manager_id)
        self.manager.setObjectName("refundManager")
        self.manager.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.pin = QLineEdit()
        self.pin.setObjectName("refundPin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.ok = QPushButton(self.tr("Refund (Enter)"))
        self.ok.setDefault(True)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        form = QFormLayout()
        form.addRow(self.tr("Receipt"), self.receipt_no)
        form.addRow(self.tr("Lines"), self.lines)
        form.addRow(self.tr("Manager id"), self.manager)
        form.addRow(self.tr("Manager PIN"), self.pin)
        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.ok, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.result)
        layout.addLayout(buttons)
        self.ok.clicked.connect(self._refund)
        self.close_button.clicked.connect(self.reject)
        self.resize(560, 420)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.activateWindow()
        first = self.receipt_no if not self.receipt_no.text() else self.manager if not self.manager.text() else self.pin
        first.setFocus()

    def _refund(self) -> None:
        if not self.ok.isEnabled():
            return
        self.result.clear()
        try:
            lines = parse_lines(self.lines.text())
        except PosError as exc:
            self.message.setText(errors.message(exc))
            return
        self.ok.setEnabled(False)
        self.message.setText(self.tr("Checking the manager's PIN…"))
        receipt_no, manager, pin = self.receipt_no.text(), self.manager.text(), self.pin.text()
        self.pin.clear()
        self.runner.run(lambda: calls.refund(self.t, manager, pin, receipt_no, lines), self._done, self._failed)

    def _done(self, doc: dict[str, Any]) -> None:
        self.ok.setEnabled(True)
        self.message.clear()
        text = self.tr("Refunded %1 on %2").replace("%1", labels.money(doc["refund_fen"])).replace(
            "%2", doc["receipt_no"])
        if doc.get("member_id"):
            text += "\n" + self.tr("Points taken back: %1; points given back: %2").replace(
                "%1", f"{doc['points_reversed']:,}").replace("%2", f"{doc['points_restored']:,}")
            if doc.get("points_restored_expired"):
                text += "\n" + self.tr("%1 of the points given back had expired meanwhile: they do not count").replace(
                    "%1", f"{doc['points_restored_expired']:,}")
            if doc.get("points_balance") is not None:
                text += "\n" + self.tr("Points balance now: %1").replace("%1", f"{doc['points_balance']:,}")
            if doc.get("balance_negative"):
                text += "\n" + self.tr("The balance is negative: the member had already spent these points")
        self.result.setText(text)
        self.refunded.emit(doc)

    def _failed(self, exc: BaseException) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, PosError) and exc.code == "forbidden":
            self.message.setText(errors.message(errors.UiError("not_manager")))
        else:
            self.message.setText(errors.message(exc))
        self.pin.setFocus()
