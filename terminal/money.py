"""Money is integer fen. Text is parsed with Decimal straight into fen; formatting goes through babel."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency

from terminal.errors import PosError

# A single amount above this is refused as absurd (¥10,000,000.00).
MAX_AMOUNT_FEN = 1_000_000_000

_CLEAN = re.compile(r"[\s,¥￥元]|^CNY|^RMB", re.IGNORECASE)


def parse_fen(text: str, *, allow_zero: bool = True) -> int:
    """'120.5', '¥1,234.50', '30元' -> fen. Half-up to the fen; negative or absurd amounts refused."""
    raw = str(text).strip()
    cleaned = _CLEAN.sub("", raw)
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", cleaned):
        raise PosError("amount_invalid", text=raw)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise PosError("amount_invalid", text=raw) from None
    fen = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if fen > MAX_AMOUNT_FEN or (fen == 0 and not allow_zero):
        raise PosError("amount_out_of_range", text=raw)
    return fen


def round_half_up(value: Fraction | Decimal | int) -> int:
    """Exact half-up rounding to an int (for percentages of fen)."""
    frac = Fraction(value)
    sign = -1 if frac < 0 else 1
    frac = abs(frac)
    whole, rest = divmod(frac.numerator, frac.denominator)
    if 2 * rest >= frac.denominator:
        whole += 1
    return sign * whole


@lru_cache(maxsize=8)
def _locale(name: str) -> Locale:
    return Locale.parse(name)  # parsing a locale costs ~0.25 ms; receipts format dozens of amounts


def format_fen(fen: int, locale: str = "zh_CN") -> str:
    """1234550 -> '¥12,345.50' (babel, exact: the Decimal is built from the int)."""
    return format_currency(Decimal(fen).scaleb(-2), "CNY", locale=_locale(locale))


def yuan_text(fen: int) -> str:
    """Plain '12345.50' for JSON-adjacent text and CLI arguments."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"
