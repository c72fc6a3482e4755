"""The receipt: on screen (the same text the printer gets) and printed through Qt (QPrinter to a
PDF sized for a 58 mm roll, or to a system printer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QMarginsF, QPointF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QFont, QFontDatabase, QFontMetricsF, QKeySequence, QPageLayout, QPageSize, QPainter, QShortcut,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from terminal import receipt

ROLL_WIDTH_MM = 58.0
MONO_FAMILIES = ["Noto Sans Mono CJK SC", "Noto Sans CJK SC", "WenQuanYi Zen Hei Mono", "SimSun", "NSimSun",
                 "monospace"]


def receipt_text(doc: dict[str, Any]) -> str:
    return receipt.render(doc)


def mono_font(point_size: float) -> QFont:
    """A CJK monospace font (a Chinese character is two columns, as the receipt text assumes)."""
    font = QFont()
    families = set(QFontDatabase.families())
    font.setFamilies([f for f in MONO_FAMILIES if f in families] or ["monospace"])
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    font.setPointSizeF(point_size)
    return font


def write_pdf(text: str, path: Path | str, *, printer: QPrinter | None = None) -> Path:
    """Print the receipt text through Qt: to a PDF file one 58 mm roll page long (or to `printer`).
    The font is sized so the receipt's 32 columns fill the printable width."""
    path = Path(path)
    lines = text.split("\n")
    if printer is None:
        path.parent.mkdir(parents=True, exist_ok=True)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        roll = True
    else:
        roll = False
    font = mono_font(8)
    margin_mm = 2.0
    width_mm = ROLL_WIDTH_MM - 2 * margin_mm
    metrics = QFontMetricsF(font, printer)
    columns = metrics.horizontalAdvance("0" * receipt.WIDTH)
    dots_per_mm = printer.logicalDpiX() / 25.4
    font.setPointSizeF(8 * min(1.5, 0.96 * width_mm * dots_per_mm / columns))  # a hair to spare
    metrics = QFontMetricsF(font, printer)
    lines = wrap(lines, metrics, width_mm * dots_per_mm)
    if roll:
        height_mm = len(lines) * metrics.lineSpacing() / (printer.logicalDpiY() / 25.4) + 2 * margin_mm + 4
        printer.setPageLayout(QPageLayout(
            QPageSize(QSizeF(ROLL_WIDTH_MM, height_mm), QPageSize.Unit.Millimeter, "receipt"),
            QPageLayout.Orientation.Portrait, QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm),
            QPageLayout.Unit.Millimeter))
    painter = QPainter(printer)
    try:
        painter.setFont(font)
        page = printer.pageRect(QPrinter.Unit.DevicePixel)
        y = metrics.ascent()
        for line in lines:
            if y > page.height():
                printer.newPage()
                y = metrics.ascent()
            painter.drawText(QPointF(0, y), line)
            y += metrics.lineSpacing()
    finally:
        painter.end()
    return path


def wrap(lines: list[str], metrics: QFontMetricsF, width: float) -> list[str]:
    """Lines wider than the paper broken at characters, continued with an indent."""
    out = []
    for line in lines:
        while metrics.horizontalAdvance(line) > width and len(line) > 1:
            cut = len(line)
            while cut > 1 and metrics.horizontalAdvance(line[:cut]) > width:
                cut -= 1
            out.append(line[:cut])
            line = "  " + line[cut:]
        out.append(line)
    return out


class ReceiptView(QWidget):
    """The receipt text as it prints, with a Print button (F9)."""

    print_requested = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: dict[str, Any] | None = None
        self.text = QPlainTextEdit()
        self.text.setObjectName("receiptText")
        self.text.setReadOnly(True)
        self.text.setFont(mono_font(13))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.print_button = QPushButton()
        self.status = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        self.print_button.clicked.connect(self._print)
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F9), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self._print)
        self.retranslate()
        # A 32-column receipt plus margins, without a scroll bar.
        width = self.text.fontMetrics().horizontalAdvance("0" * 34) + 40
        self.text.setMinimumWidth(width)

    def retranslate(self) -> None:
        self.print_button.setText(self.tr("Print (F9)"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_receipt(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.text.setPlainText(receipt_text(doc))
        self.status.clear()

    def printed(self, where: str) -> None:
        self.status.setText(self.tr("Printed: %1").replace("%1", where))

    def _print(self) -> None:
        if self.doc is not None:
            self.print_requested.emit(self.doc)


class ReceiptDialog(QDialog):
    """A receipt on its own (the last receipt, F7)."""

    def __init__(self, doc: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptDialog")
        self.view = ReceiptView(self)
        self.view.show_receipt(doc)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(close)
        self.setWindowTitle(self.tr("Receipt %1").replace("%1", doc.get("receipt_no") or ""))
        self.resize(520, 720)
