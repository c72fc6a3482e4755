"""The product catalog: a CSV import (all or nothing) and a product line by code or scan."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from terminal.errors import PosError
from terminal.services import products as catalog
from ui_helpers import key, scan, settle, type_text


def test_import_and_find(term, admin, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("code,name,category,price\n123456789,苹果 1kg,fresh,12.50\n987654321,牙膏,personal_care,9\n",
                    encoding="utf-8")
    assert catalog.import_csv(term, admin, path) == 2
    assert catalog.find(term, "123456789") == catalog.Product("123456789", "苹果 1kg", "fresh", 1250)
    bad = tmp_path / "bad.csv"
    bad.write_text("555,糖,candy,3\n", encoding="utf-8")
    with pytest.raises(PosError) as exc:
        catalog.import_csv(term, admin, bad)
    assert exc.value.code == "category_unknown" and catalog.find(term, "555") is None


def test_cashier_cannot_import(term, cashier, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("1,a,fresh,1\n", encoding="utf-8")
    with pytest.raises(PosError):
        catalog.import_csv(term, cashier, path)


def test_product_by_code_and_by_scan(qtbot, signed_in, term, admin, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("6901000000011,有机蔬菜礼盒,fresh,120\n", encoding="utf-8")
    catalog.import_csv(term, admin, path)
    w = signed_in
    scan("6901000000011")
    qtbot.waitUntil(lambda: len(w.session.lines) == 1)
    key(Qt.Key.Key_F5)
    type_text("6901000000011", 40)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(w.session.lines) == 2)
    settle(qtbot, w)
    assert w.page.cart.model.data(w.page.cart.model.index(0, 1)) == "有机蔬菜礼盒 · 生鲜"
    assert w.session.outcome.doc["subtotal_fen"] == 24000
    key(Qt.Key.Key_F5)
    type_text("999", 40)
    key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: w.page.cart.message.text() == "没有编码为 999 的商品")
