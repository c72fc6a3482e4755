"""Parsing the CLI's small languages: sale lines 'CATEGORY:AMOUNT[xQTY]' and refund lines 'N[:QTY]'."""

from __future__ import annotations

import re

from terminal.errors import PosError
from terminal.money import parse_fen
from terminal.pricing import MAX_QTY, CartLine

_LINE = re.compile(r"^\s*([A-Za-z_][\w]*)\s*:\s*([^x×*]+?)\s*(?:[x×*]\s*(\S+))?\s*$")


def parse_line(text: str) -> CartLine:
    """'fresh:120' / 'general:12.50x3' -> CartLine(category, unit_price_fen, qty)."""
    match = _LINE.match(text)
    if not match:
        raise PosError("line_invalid", text=text)
    category, amount, qty_text = match.groups()
    qty = 1
    if qty_text is not None:
        if not qty_text.isdigit() or not 1 <= int(qty_text) <= MAX_QTY:
            raise PosError("quantity_invalid", text=qty_text)
        qty = int(qty_text)
    return CartLine(category.lower(), parse_fen(amount, allow_zero=False), qty)


def parse_refund_line(text: str) -> tuple[int, int | None]:
    """'2' (all that is left of line 2) or '2:1' (one unit of line 2)."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*(?::\s*(\d{1,5}))?\s*", text)
    if not match:
        raise PosError("refund_line_invalid", text=text)
    return int(match.group(1)), int(match.group(2)) if match.group(2) is not None else None
