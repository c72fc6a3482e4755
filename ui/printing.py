"""Where receipts go: a PDF per receipt in the data dir (the default, and what tests check), a
system printer through QPrinter, or an ESC/POS thermal printer. Chosen in the settings
(QSettings 'receipts/...')."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtPrintSupport import QPrinter

from ui.errors import UiError
from ui.receipt_view import receipt_text, write_pdf


class ReceiptPrinter:
    def __init__(self, settings: QSettings, data_dir: Path) -> None:
        self.settings = settings
        self.data_dir = Path(data_dir)

    @property
    def auto_print(self) -> bool:
        return str(self.settings.value("receipts/auto_print", "true")).lower() == "true"

    @property
    def escpos_target(self) -> str:
        return str(self.settings.value("receipts/escpos", "") or "")

    @property
    def printer_name(self) -> str:
        return str(self.settings.value("receipts/printer", "") or "")

    def pdf_path(self, doc: dict[str, Any]) -> Path:
        folder = Path(str(self.settings.value("receipts/pdf_dir", "") or (self.data_dir / "receipts")))
        name = doc.get("receipt_no") or doc.get("refund_id") or "receipt"
        return folder / f"{name}.pdf"

    def print(self, doc: dict[str, Any]) -> str:
        """Print one receipt; returns where it went (a file path or the printer's name)."""
        text = receipt_text(doc)
        if self.escpos_target:
            from ui import escpos_printer

            try:
                escpos_printer.print_text(self.escpos_target, text)
            except (OSError, ValueError, escpos_printer.DeviceError) as exc:
                raise UiError("printer_unavailable", target=self.escpos_target) from exc
            return self.escpos_target
        if self.printer_name:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setPrinterName(self.printer_name)
            write_pdf(text, "", printer=printer)
            return self.printer_name
        return str(write_pdf(text, self.pdf_path(doc)))
