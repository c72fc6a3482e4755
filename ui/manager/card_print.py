"""Printing a member card through Qt: one painter routine draws the card (QR of exactly the signed
payload, store name, tier, masked phone) onto a PDF (QPdfWriter: the Chinese font is embedded as
real text, not pictures of it), a PNG (QImage) or a card/label printer (QPrinter).

Where a card goes is a setting: QSettings 'cards/printer' names the printer; without one the PDF is
saved in the data folder's cards/ and the dialog says where. The card is ID-1 size (85.6 x 54 mm);
the drawing works in 300-dpi card pixels (1011 x 638) mapped onto whatever the device is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, QSettings, QSizeF, Qt
from PySide6.QtGui import (
    QColor, QFont, QFontMetricsF, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen,
)

from ui.errors import UiError

CARD_MM = (85.6, 54.0)
DPI = 300
CARD_PX = (1011, 638)  # 85.6 x 54 mm at 300 dpi: the units the card is drawn in
MARGIN = 40
QR_BORDER = 4  # modules of quiet zone around the code (the QR standard asks for 4)
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                "WenQuanYi Micro Hei", "Noto Sans SC", "SimHei"]
GOLD = QColor(180, 140, 60)
TIER_COLOUR = QColor(150, 105, 30)


@dataclass(frozen=True)
class CardFace:
    """What is printed on a card."""

    payload: str
    store_name: str
    phone_masked: str
    tier_name: str


class CardPrintError(UiError):
    def message(self) -> str:
        texts = {
            "card_printer_unavailable": QCoreApplication.translate(
                "CardPrint", "The card printer %1 cannot be reached; the card is issued, print it again later"),
            "card_file_unwritable": QCoreApplication.translate("CardPrint", "Cannot write the card file %1"),
            "card_file_type": QCoreApplication.translate("CardPrint", "A card file is saved as .pdf or .png"),
        }
        text = texts.get(self.code, self.code)
        for i, value in enumerate(self.params.values(), start=1):
            text = text.replace(f"%{i}", str(value))
        return text


# --- the QR code ---------------------------------------------------------------------------------

def qr_modules(payload: str) -> list[list[bool]]:
    """The QR code of exactly `payload` (error correction M), quiet zone included, as rows of
    dark (True) / light modules."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QR_BORDER)
    qr.add_data(payload)
    qr.make(fit=True)
    return [[bool(v) for v in row] for row in qr.get_matrix()]


def qr_image(payload: str, module_px: int) -> QImage:
    """The QR code as a 1-bit image with whole pixels per module (sharp edges when printed)."""
    modules = qr_modules(payload)
    n = len(modules)
    small = QImage(n, n, QImage.Format.Format_Grayscale8)
    small.fill(255)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                small.setPixel(x, y, 0)
    side = n * max(1, module_px)
    return small.scaled(side, side, Qt.AspectRatioMode.IgnoreAspectRatio,
                        Qt.TransformationMode.FastTransformation).convertToFormat(QImage.Format.Format_Mono)


# --- drawing -------------------------------------------------------------------------------------

def _font(px: float, bold: bool) -> QFont:
    font = QFont()
    font.setFamilies(CJK_FAMILIES + ["sans-serif"])
    font.setPixelSize(max(1, round(px)))
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)  # the same shapes at any scale
    return font


def _fit(text: str, width: float, px: float, bold: bool) -> tuple[QFont, str]:
    """The font (shrunk down to 60% if needed) and the text (elided with … if still too wide)."""
    size = px
    while True:
        font = _font(size, bold)
        metrics = QFontMetricsF(font)
        if metrics.horizontalAdvance(text) <= width or size <= px * 0.6:
            return font, metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
        size -= 2


def paint_card(painter: QPainter, face: CardFace, target: QRectF) -> None:
    """Draw the card into `target` (device coordinates) of an active painter."""
    w, h = CARD_PX
    painter.save()
    painter.translate(target.topLeft())
    painter.scale(target.width() / w, target.height() / h)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    painter.fillRect(QRectF(0, 0, w, h), Qt.GlobalColor.white)

    qr_side = h - 2 * MARGIN
    n = len(qr_modules(face.payload))
    module = max(1, qr_side // n)
    image = qr_image(face.payload, module)
    side = n * module
    qr_rect = QRectF(MARGIN, (h - side) / 2, side, side)
    painter.drawImage(qr_rect, image)

    left = MARGIN + side + 30
    text_w = w - left - MARGIN
    painter.fillRect(QRectF(left, MARGIN + 150, text_w, 4), GOLD)
    rows = (
        (face.store_name, 64, True, MARGIN + 50, QColor("black")),
        (face.tier_name, 52, True, MARGIN + 230, TIER_COLOUR),
        (face.phone_masked, 44, False, MARGIN + 360, QColor(60, 60, 60)),
    )
    for text, px, bold, top, colour in rows:
        if not text:
            continue
        font, shown = _fit(text, text_w, px, bold)
        painter.setFont(font)
        painter.setPen(QPen(colour))
        ascent = QFontMetricsF(font).ascent()
        painter.drawText(QPointF(left, top + ascent), shown)
    painter.restore()


def card_image(face: CardFace, width_px: int = CARD_PX[0]) -> QImage:
    """The card as an image `width_px` wide (the screen preview, and the PNG at full size)."""
    w, h = CARD_PX
    height_px = round(width_px * h / w)
    image = QImage(width_px, height_px, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dots_per_metre = round(DPI / 0.0254 * width_px / w)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    try:
        paint_card(painter, face, QRectF(0, 0, width_px, height_px))
    finally:
        painter.end()
    return image


def _page_size() -> QPageSize:
    return QPageSize(QSizeF(*CARD_MM), QPageSize.Unit.Millimeter, "ID-1", QPageSize.SizeMatchPolicy.ExactMatch)


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def write_pdf(face: CardFace, path: Path | str) -> Path:
    """A one-page PDF of the card, the size of the card; written whole or not at all."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise CardPrintError("card_file_unwritable", path=str(path)) from None
    tmp = _tmp(path)
    writer = QPdfWriter(str(tmp))
    writer.setTitle(QCoreApplication.translate("CardPrint", "Member card"))
    writer.setCreator("pos-terminal")
    writer.setResolution(DPI)
    writer.setPageLayout(QPageLayout(_page_size(), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not painter.begin(writer):
        raise CardPrintError("card_file_unwritable", path=str(path))
    try:
        paint_card(painter, face, QRectF(writer.pageLayout().fullRectPixels(DPI)))
    finally:
        painter.end()
    del writer
    os.replace(tmp, path)
    return path


def write_png(face: CardFace, path: Path | str) -> Path:
    """The card as a 300-dpi PNG (1011 x 638)."""
    path = Path(path)
    tmp = _tmp(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise CardPrintError("card_file_unwritable", path=str(path)) from None
    if not card_image(face).save(str(tmp), "PNG"):
        raise CardPrintError("card_file_unwritable", path=str(path))
    os.replace(tmp, path)
    return path


def write_file(face: CardFace, path: Path | str) -> Path:
    """PDF or PNG by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        return write_pdf(face, path)
    if suffix == ".png":
        return write_png(face, path)
    raise CardPrintError("card_file_type")


def print_to(face: CardFace, printer_name: str) -> str:
    """Send the card to the named printer (one card-sized page); returns the printer's name."""
    from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

    if printer_name not in QPrinterInfo.availablePrinterNames():
        raise CardPrintError("card_printer_unavailable", printer=printer_name)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(printer_name)
    printer.setFullPage(True)
    printer.setDocName(QCoreApplication.translate("CardPrint", "Member card"))
    printer.setPageLayout(QPageLayout(_page_size(), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    painter = QPainter()
    if not printer.isValid() or not painter.begin(printer):
        raise CardPrintError("card_printer_unavailable", printer=printer_name)
    try:
        paint_card(painter, face, QRectF(printer.pageLayout().fullRectPixels(printer.resolution())))
    finally:
        painter.end()
    return printer_name


@dataclass(frozen=True)
class Printed:
    where: str  # the printer's name, or the file written
    to_file: bool


class CardPrinter:
    """Prints to the card printer named in the settings, else saves a PDF in DATA/cards/."""

    def __init__(self, settings: QSettings | None, data_dir: Path) -> None:
        self.settings = settings
        self.data_dir = Path(data_dir)

    @property
    def printer_name(self) -> str:
        if self.settings is None:
            return ""
        return str(self.settings.value("cards/printer", "") or "").strip()

    def pdf_path(self, card_id: str) -> Path:
        return self.data_dir / "cards" / f"card-{card_id}.pdf"

    def print(self, face: CardFace, card_id: str) -> Printed:
        if self.printer_name:
            return Printed(print_to(face, self.printer_name), False)
        return Printed(str(write_pdf(face, self.pdf_path(card_id))), True)


def data_dir_of(settings: QSettings | None, fallback: Path | None = None) -> Path:
    """The data folder: where the app's settings file lives (app.ini sits in it), else `fallback`."""
    if settings is not None and settings.format() == QSettings.Format.IniFormat and settings.fileName():
        return Path(settings.fileName()).parent
    return fallback or Path.cwd()


_cli_app: object | None = None  # the QGuiApplication the CLI needs for fonts and PDF writing


def render_file(payload: str, out: Path, *, store_name: str, phone_masked: str, tier_name: str) -> Path:
    """terminal.cards.render_card's signature, drawn by Qt: what `pos-terminal card issue --out`
    writes when run as the console script (no window: the offscreen platform)."""
    global _cli_app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _cli_app = QGuiApplication(["pos-terminal"])
    try:
        return write_file(CardFace(payload, store_name, phone_masked, tier_name), out)
    except CardPrintError as exc:
        from terminal.errors import PosError

        raise PosError("input_invalid", detail=exc.message()) from None
