"""The product catalog (the store's `products` table): CSV import and lookup by code.

CSV columns: code,name,category,price (price in yuan, e.g. 12.50); a header row is optional. The whole file is
checked first and imported in one transaction: a bad row changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from terminal.errors import PosError
from terminal.money import parse_fen
from terminal.services.context import Actor, Terminal, require

MAX_CODE = 32


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    category: str
    price_fen: int


def parse_csv(text: str, categories: tuple[str, ...]) -> list[Product]:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if rows and [c.strip().lower() for c in rows[0][:4]] == ["code", "name", "category", "price"]:
        rows = rows[1:]
    products: dict[str, Product] = {}
    for n, row in enumerate(rows, start=1):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < 4:
            raise PosError("input_invalid", detail=f"row {n}: code,name,category,price")
        code, name, category, price = (c.strip() for c in row[:4])
        if not code or len(code) > MAX_CODE or not code.isascii() or not name:
            raise PosError("input_invalid", detail=f"row {n}: code {code!r}")
        if category not in categories:
            raise PosError("category_unknown", category=category)
        products[code] = Product(code, name, category, parse_fen(price, allow_zero=False))
    return list(products.values())


def import_csv(t: Terminal, actor: Actor, path: Path | str) -> int:
    """Add or replace the products in a CSV file (manager); returns how many."""
    require(actor, "manager")
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")  # spreadsheets saved on a Chinese Windows
    products = parse_csv(text, t.programme.categories)
    with t.store.write() as conn:
        conn.executemany(
            "INSERT INTO products(code, name, category, price_fen) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(code) DO UPDATE SET name = excluded.name, category = excluded.category,"
            " price_fen = excluded.price_fen",
            [(p.code, p.name, p.category, p.price_fen) for p in products],
        )
    return len(products)


def find(t: Terminal, code: str) -> Product | None:
    row = t.store.one("SELECT code, name, category, price_fen FROM products WHERE code = ?", (code.strip(),))
    return None if row is None else Product(row["code"], row["name"], row["category"], row["price_fen"])
