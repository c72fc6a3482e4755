"""The service calls the app makes, as plain functions of the terminal. They run on the worker
thread (ui.ops), return plain data and never touch a widget."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from terminal import cards
from terminal.errors import PosError
from terminal.pricing import CartLine
from terminal.rules import Programme
from terminal.services import checkout, lookup, members, reads, refunds, staff
from terminal.services.context import Actor, Terminal
from terminal.services import products as catalog
from ui.errors import UiError

COUPON_PROBLEMS = frozenset({
    "coupon_not_found", "coupon_not_owned", "coupon_used", "coupon_expired", "coupon_not_yet_valid",
    "coupon_threshold", "coupon_needs_member", "coupon_no_eligible",
})
REDEEM_PROBLEMS = frozenset({"redeem_step", "redeem_over_cap", "redeem_negative", "redeem_needs_member"})


@dataclass(frozen=True)
class Line:
    """A cart line: a category and a unit price, or a catalog product (which names both)."""

    category: str
    unit_price_fen: int
    qty: int = 1
    name: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Sale:
    """The sale being rung up, as the session holds it."""

    lines: tuple[Line, ...] = ()
    member_id: str | None = None
    coupon: str | None = None
    redeem_points: int = 0

    def request(self, pay_method: str = "cash") -> checkout.SaleRequest:
        return checkout.SaleRequest(
            lines=tuple(CartLine(ln.category, ln.unit_price_fen, ln.qty) for ln in self.lines),
            member=self.member_id, coupon=self.coupon, redeem_points=self.redeem_points, pay_method=pay_method)


@dataclass(frozen=True)
class QuoteOutcome:
    """The quote to show, and what was wrong with the sale as asked (then the quote shown leaves
    that part out, and payment waits until it is fixed)."""

    sale: Sale
    doc: dict[str, Any] | None
    problem: PosError | None = None
    dropped: str | None = None  # "coupon" | "redeem"

    @property
    def payable(self) -> bool:
        return self.doc is not None and self.problem is None


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    programme: Programme
    store_name: str
    terminal_id: str


def sign_in(t: Terminal, staff_id: str, pin: str) -> SignedIn:
    actor = staff.sign_in(t, staff_id.strip(), pin)
    return SignedIn(actor, t.programme, t.store_name, t.terminal_id)


def member(t: Terminal, query: str) -> dict[str, Any]:
    """The member view for a query (phone, last 4, card, id); PosError member_ambiguous lists choices."""
    row = lookup.find_one(t, query)
    return members.view(t, query, row=row)


def register(t: Terminal, actor: Actor, phone: str, name: str | None) -> dict[str, Any]:
    done = members.register(t, actor, phone, name=name or None)
    return members.view(t, done.member_id)


def quote(t: Terminal, actor: Actor, sale: Sale) -> QuoteOutcome:
    if not sale.lines:
        return QuoteOutcome(sale, None)
    try:
        return QuoteOutcome(sale, checkout.quote(t, actor, sale.request()))
    except PosError as exc:
        if exc.code in COUPON_PROBLEMS and sale.coupon:
            fallback, dropped = replace(sale, coupon=None), "coupon"
        elif exc.code in REDEEM_PROBLEMS and sale.redeem_points:
            fallback, dropped = replace(sale, redeem_points=0), "redeem"
        else:
            return QuoteOutcome(sale, None, exc)
        inner = quote(t, actor, fallback)
        return QuoteOutcome(sale, inner.doc, inner.problem or exc, inner.dropped or dropped)


def pay(t: Terminal, actor: Actor, sale: Sale, method: str) -> dict[str, Any]:
    """Commit the sale (one transaction) and return its document: the receipt's content."""
    return checkout.sale(t, actor, sale.request(method)).document


@dataclass(frozen=True)
class Scan:
    kind: str  # "member" | "product" | "coupon"
    value: Any


def scan(t: Terminal, text: str) -> Scan:
    """What a scanned code is: a member card, a product from the catalog, or a coupon code."""
    code = text.strip()
    if cards.looks_like_card(code):
        return Scan("member", member(t, code))
    product = catalog.find(t, code)
    if product is not None:
        return Scan("product", product)
    try:
        return Scan("coupon", reads.coupon(t, code).code)
    except PosError:
        return Scan("member", member(t, code))


def product(t: Terminal, code: str) -> catalog.Product:
    found = catalog.find(t, code)
    if found is None:
        raise UiError("product_unknown", code=code)
    return found


def refund(t: Terminal, manager_id: str, pin: str, receipt_no: str,
           lines: list[tuple[int, int | None]]) -> dict[str, Any]:
    """A refund approved by a manager's PIN (the manager is the actor of the refund)."""
    manager = staff.sign_in(t, manager_id.strip(), pin)
    return refunds.refund(t, manager, receipt_no.strip(), lines).document


def import_catalog(t: Terminal, actor: Actor, path: str) -> int:
    return catalog.import_csv(t, actor, path)
