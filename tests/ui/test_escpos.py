"""Receipts on an ESC/POS thermal printer: Chinese mode, GB18030 text, a cut; chosen in settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from storetime import at
from terminal.pricing import CartLine
from terminal.services import checkout, members
from ui import escpos_printer
from ui.printing import ReceiptPrinter
from ui.receipt_view import receipt_text


def _sale(term, admin):
    member = members.register(term, admin, "13812345678", name="张伟", at=at("2026-11-02 09:00")).member_id
    req = checkout.SaleRequest((CartLine("fresh", 12000), CartLine("tobacco", 3000)), member)
    return checkout.sale(term, admin, req, at("2026-11-03 10:00")).document


def test_receipt_bytes_are_gb18030_in_chinese_mode_and_cut(term, admin):
    text = receipt_text(_sale(term, admin))
    data = escpos_printer.receipt_bytes(text)
    assert data.startswith(escpos_printer.INIT + escpos_printer.CHINESE_MODE)
    assert "138****5678".encode() in data and "生鲜".encode("gb18030") in data
    assert "生鲜".encode("utf-8") not in data
    assert data.rstrip().endswith(b"\x1dV\x00")  # GS V 0: full cut


def test_the_setting_sends_receipts_to_the_thermal_printer(term, admin, tmp_path):
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    settings.setValue("receipts/escpos", f"file:{device}")
    doc = _sale(term, admin)
    where = ReceiptPrinter(settings, tmp_path).print(doc)
    assert where == f"file:{device}"
    written = device.read_bytes()
    assert doc["receipt_no"].encode() in written and "谢谢惠顾".encode("gb18030") in written
    assert not (tmp_path / "receipts").exists()  # not also saved as a PDF


@pytest.mark.parametrize("target", ["", "lpt1", "usb:zz", "network:"])
def test_a_bad_target_is_refused_clearly(target):
    with pytest.raises(escpos_printer.PrinterTargetError):
        escpos_printer.open_target(target)


def test_an_unreachable_printer_is_a_plain_message_and_the_sale_stays(term, admin, tmp_path):
    from ui.errors import UiError

    settings = QSettings(str(tmp_path / "app.ini"), QSettings.Format.IniFormat)
    settings.setValue("receipts/escpos", "file:/nonexistent/dir/lp0")
    doc = _sale(term, admin)
    with pytest.raises(UiError) as exc:
        ReceiptPrinter(settings, tmp_path).print(doc)
    assert exc.value.code == "printer_unavailable"
    assert term.store.scalar("SELECT COUNT(*) FROM sales WHERE sale_id = ?", (doc["sale_id"],)) == 1
