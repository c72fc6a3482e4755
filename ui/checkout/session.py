"""The sale in progress: member, lines, coupon, points; the live quote; payment. The one object the
checkout panels talk to. Every service call goes through the Runner (off the GUI thread); panels
follow the signals."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal

from terminal import cards
from terminal.errors import PosError
from terminal.rules import Programme
from terminal.services.context import Actor, Terminal
from ui import calls
from ui.calls import Line, QuoteOutcome, Sale
from ui.ops import Runner


class SaleSession(QObject):
    member_changed = Signal(object)  # the member view (dict) or None
    member_choices = Signal(str, list)  # query, matches: several members share the last 4 digits
    lookup_failed = Signal(str, object)  # "member" | "scan" | "product", the error
    lines_changed = Signal()
    quote_changed = Signal(object)  # QuoteOutcome | None
    coupon_changed = Signal(object)  # the code or None
    redeem_changed = Signal(int)
    paying_failed = Signal(object)
    paid = Signal(dict)  # the committed sale's document
    cleared = Signal()
    busy_changed = Signal(bool)
    looking_up = Signal(bool)

    def __init__(self, terminal: Terminal, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.t = terminal
        self.runner = runner
        self.actor: Actor | None = None
        self.programme: Programme | None = None
        self.member: dict[str, Any] | None = None
        self.lines: list[Line] = []
        self.coupon: str | None = None
        self.redeem_points = 0
        self.outcome: QuoteOutcome | None = None
        self.last_receipt: dict[str, Any] | None = None
        self._quoting = False
        self._dirty = False
        self._lookups = 0
        self._paying = False

    # -- state --------------------------------------------------------------------------------
    def start(self, actor: Actor, programme: Programme) -> None:
        self.actor, self.programme = actor, programme
        self.clear()

    def sale(self) -> Sale:
        member_id = self.member["member_id"] if self.member else None
        return Sale(tuple(self.lines), member_id, self.coupon, self.redeem_points)

    @property
    def empty(self) -> bool:
        return not self.lines and self.member is None

    @property
    def settled(self) -> bool:
        """No lookup or quote in flight, and the quote shown is for the sale as it stands."""
        return (not self._quoting and not self._dirty and self._lookups == 0
                and (self.outcome.sale if self.outcome else Sale()) == self._quotable())

    def _quotable(self) -> Sale:
        return self.sale() if self.lines else Sale()

    def clear(self) -> None:
        self.member = None
        self.lines = []
        self.coupon = None
        self.redeem_points = 0
        self.outcome = None
        self.member_changed.emit(None)
        self.lines_changed.emit()
        self.coupon_changed.emit(None)
        self.redeem_changed.emit(0)
        self.quote_changed.emit(None)
        self.cleared.emit()

    # -- member -------------------------------------------------------------------------------
    def find_member(self, query: str) -> None:
        query = query.strip()
        if not query:
            return
        self._lookup("member", lambda: calls.member(self.t, query), self.set_member, query, names_member=True)

    def scan(self, text: str) -> None:
        """A scanned code: member card, product, or coupon."""
        def done(found: calls.Scan) -> None:
            if found.kind == "member":
                self.set_member(found.value)
            elif found.kind == "product":
                p = found.value
                self.add_line(Line(p.category, p.price_fen, 1, p.name, p.code))
            else:
                self.set_coupon(found.value)
        self._lookup("scan", lambda: calls.scan(self.t, text), done, text, names_member=cards.looks_like_card(text))

    def add_product(self, code: str) -> None:
        def done(p: Any) -> None:
            self.add_line(Line(p.category, p.price_fen, 1, p.name, p.code))
        self._lookup("product", lambda: calls.product(self.t, code), done, code)

    def _lookup(self, kind: str, fn: Any, done: Any, query: str, names_member: bool = False) -> None:
        """Run a lookup; a failed member lookup (a forged card, say) leaves the sale with no member."""
        self._lookups += 1
        self.looking_up.emit(True)

        def ok(value: Any) -> None:
            self._lookups -= 1
            self.looking_up.emit(self._lookups > 0)
            done(value)

        def failed(exc: BaseException) -> None:
            self._lookups -= 1
            self.looking_up.emit(self._lookups > 0)
            if isinstance(exc, PosError) and exc.code == "member_ambiguous":
                self.member_choices.emit(query, list(exc.params.get("matches", [])))
                return
            if names_member and self.member is not None:
                self.set_member(None)
            self.lookup_failed.emit(kind, exc)

        self.runner.run(fn, ok, failed)

    def set_member(self, view: dict[str, Any] | None) -> None:
        changed = (view or {}).get("member_id") != (self.member or {}).get("member_id")
        self.member = view
        if changed:
            self.coupon = None
            self.redeem_points = 0
            self.coupon_changed.emit(None)
            self.redeem_changed.emit(0)
        self.member_changed.emit(view)
        self.requote()

    def register(self, phone: str, name: str | None, done: Any, failed: Any) -> None:
        actor = self._actor()

        def ok(view: dict[str, Any]) -> None:
            self.set_member(view)
            done(view)

        self.runner.run(lambda: calls.register(self.t, actor, phone, name), ok, failed)

    # -- lines --------------------------------------------------------------------------------
    def add_line(self, line: Line) -> None:
        self.lines.append(line)
        self.lines_changed.emit()
        self.requote()

    def remove_line(self, index: int) -> None:
        if 0 <= index < len(self.lines):
            del self.lines[index]
            self.lines_changed.emit()
            self.requote()

    def set_qty(self, index: int, qty: int) -> None:
        if 0 <= index < len(self.lines) and qty >= 1:
            self.lines[index] = replace(self.lines[index], qty=qty)
            self.lines_changed.emit()
            self.requote()

    # -- coupon and points ------------------------------------------------------------------------
    def set_coupon(self, code: str | None) -> None:
        code = (code or "").strip().upper() or None
        if code != self.coupon:
            self.coupon = code
            self.coupon_changed.emit(code)
            self.requote()

    def set_redeem(self, points: int) -> None:
        if points != self.redeem_points:
            self.redeem_points = points
            self.redeem_changed.emit(points)
            self.requote()

    def redeem_max(self) -> int | None:
        doc = self.outcome.doc if self.outcome else None
        limit = doc.get("redeem_max") if doc else None
        return None if limit is None else int(limit["max_points"])

    # -- the live quote: one in flight at a time, the latest state wins ----------------------------
    def requote(self) -> None:
        if self._quoting:
            self._dirty = True
            return
        self._start_quote()

    def _start_quote(self) -> None:
        sale = self._quotable()
        self._dirty = False
        if not sale.lines:
            self.outcome = None
            self.quote_changed.emit(None)
            return
        self._quoting = True
        self.busy_changed.emit(True)
        actor = self._actor()
        self.runner.run(lambda: calls.quote(self.t, actor, sale), self._quoted, self._quote_error)

    def _quoted(self, outcome: QuoteOutcome) -> None:
        self._quoting = False
        if self._dirty:
            self._start_quote()
            return
        self.outcome = outcome
        self.busy_changed.emit(False)
        self.quote_changed.emit(outcome)

    def _quote_error(self, exc: BaseException) -> None:
        self._quoted(QuoteOutcome(self._quotable(), None, exc if isinstance(exc, PosError) else None))
        if not isinstance(exc, PosError):
            self.paying_failed.emit(exc)

    # -- payment ----------------------------------------------------------------------------------
    @property
    def can_pay(self) -> bool:
        return (self.outcome is not None and self.outcome.payable and self.settled and not self._paying)

    def pay(self, method: str) -> None:
        """Commit first (checkout.sale, one transaction); `paid` carries the receipt's document."""
        if not self.can_pay:
            return
        self._paying = True
        actor, sale = self._actor(), self.sale()

        def ok(doc: dict[str, Any]) -> None:
            self._paying = False
            self.last_receipt = doc
            self.paid.emit(doc)
            self.clear()  # committed: the till is ready for the next customer

        def failed(exc: BaseException) -> None:
            self._paying = False
            self.paying_failed.emit(exc)
            self.requote()

        self.runner.run(lambda: calls.pay(self.t, actor, sale, method), ok, failed)

    def _actor(self) -> Actor:
        if self.actor is None:
            raise PosError("forbidden", role="cashier")
        return self.actor
