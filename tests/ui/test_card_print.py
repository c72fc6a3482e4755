"""Card printing through Qt: the PDF carries the Chinese font embedded as real text, its QR (printed,
then rasterized at 300 dpi) decodes to exactly the signed payload, and so does the PNG; without a
card printer the PDF goes to DATA/cards/; a printer that is not there is a plain error."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from PySide6.QtCore import QSettings

from terminal.cards import new_device_key, sign_card
from terminal.ids import new_id
from ui import errors
from ui.manager import card_print

needs_poppler = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("pdffonts")),
                                   reason="needs poppler-utils")
KEY = new_device_key()


@pytest.fixture
def face() -> card_print.CardFace:
    payload = sign_card(KEY, new_id(), new_id(), 1_795_000_000)
    return card_print.CardFace(payload, "朝阳店（测试）", "138****5678", "钻石会员")


def qr_texts(path: Path) -> list[str]:
    with Image.open(path) as im:
        return [b.text for b in zxingcpp.read_barcodes(im) if b.format == zxingcpp.BarcodeFormat.QRCode]


def embedded_fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, emb) of each font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60).stdout
    rows = out.splitlines()[2:]
    return [(ln.split()[0], ln.split()[-5]) for ln in rows if ln.strip()]


@needs_poppler
def test_pdf_qr_decodes_to_the_payload_and_the_cjk_font_is_embedded(qapp, face, tmp_path):
    pdf = card_print.write_pdf(face, tmp_path / "card.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "243 x 153 pts" in info  # 85.6 x 54 mm, one card-sized page
    assert re.search(r"^Pages:\s+1$", info, re.M)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(tmp_path / "raster")],
                   check=True, timeout=60)
    assert qr_texts(tmp_path / "raster.png") == [face.payload]
    fonts = embedded_fonts(pdf)
    assert any("CJK" in name and emb == "yes" for name, emb in fonts), fonts
    assert all(emb == "yes" for _, emb in fonts), fonts  # nothing left to the printer's fonts
    text = unicodedata.normalize("NFKC", subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    assert "钻石会员" in text and "138****5678" in text and "朝阳" in text


def test_png_is_300_dpi_card_size_and_decodes(qapp, face, tmp_path):
    png = card_print.write_file(face, tmp_path / "card.png")
    with Image.open(png) as im:
        assert im.size == card_print.CARD_PX
        assert round(im.info["dpi"][0]) == card_print.DPI
    assert qr_texts(png) == [face.payload]


def test_a_long_store_name_is_fitted_not_clipped(qapp, face, tmp_path):
    long = card_print.CardFace(face.payload, "北京市朝阳区建国路八十八号现代城购物中心地下一层旗舰店", face.phone_masked,
                               face.tier_name)
    png = card_print.write_png(long, tmp_path / "long.png")
    assert qr_texts(png) == [face.payload]  # the text never runs into the code
    with Image.open(png).convert("L") as im:
        w, h = im.size
        right_margin = im.crop((w - card_print.MARGIN + 4, 0, w, h))
        assert right_margin.getextrema()[0] > 200  # nothing drawn into the right margin


def test_without_a_printer_the_pdf_goes_to_the_data_folder(qapp, face, tmp_path):
    settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    printer = card_print.CardPrinter(settings, tmp_path)
    done = printer.print(face, "abc")
    assert done.to_file and Path(done.where) == tmp_path / "cards" / "card-abc.pdf"
    assert Path(done.where).stat().st_size > 1000
    assert not list((tmp_path / "cards").glob(".*tmp"))  # written whole, no temp file left


def test_a_printer_that_is_not_there_is_a_plain_error(qapp, face, tmp_path):
    settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    settings.setValue("cards/printer", "Card-Printer-That-Is-Not-There")
    with pytest.raises(card_print.CardPrintError) as err:
        card_print.CardPrinter(settings, tmp_path).print(face, "abc")
    assert "Card-Printer-That-Is-Not-There" in errors.message(err.value)
    assert not (tmp_path / "cards").exists()


def test_a_wrong_file_type_is_refused(qapp, face, tmp_path):
    with pytest.raises(card_print.CardPrintError) as err:
        card_print.write_file(face, tmp_path / "card.jpg")
    assert err.value.code == "card_file_type"
