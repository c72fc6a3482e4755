"""The main window: sign-in or checkout, and the status bar. It builds the panels and wires their
signals in one place (`_connect`); it computes nothing and calls no service itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMessageBox, QStackedWidget, QWidget

from terminal import auth
from ui import calls, errors, i18n, labels
from ui.errors import UiError
from ui.app import AppContext
from ui.checkout.member_pick import MemberPickDialog
from ui.checkout.page import CheckoutPage
from ui.checkout.pay_dialog import PayDialog
from ui.checkout.register_dialog import RegisterDialog
from ui.checkout.session import SaleSession
from ui.manager.base import ManagerContext
from ui.manager.member_actions import ACTIONS as MEMBER_ACTIONS
from ui.manager.station import ManagerStation
from ui.receipt_view import ReceiptDialog
from ui.refund_dialog import RefundDialog
from ui.settings_dialog import SettingsDialog
from ui.scanner import ScanDetector
from ui.signin import SignInPanel
from ui.status_bar import StatusBar


class MainWindow(QMainWindow):
    ready = Signal()  # the checkout screen is shown and usable

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.t, self.runner = ctx.terminal, ctx.runner
        self.signed: calls.SignedIn | None = None
        self.station: ManagerStation | None = None  # built per sign-in, for managers and admins only
        self.dialog: QWidget | None = None  # the dialog open over the checkout, if any
        self._pay_pending = False
        self.signin = SignInPanel(self.t, self.runner)
        self.session = SaleSession(self.t, self.runner, self)
        self.page = CheckoutPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.signin)
        self.stack.addWidget(self.page)
        self.setCentralWidget(self.stack)
        self.status = StatusBar(self.t, self.runner, ctx.status_source)
        self.setStatusBar(self.status)
        self.keys: dict[str, QShortcut] = {}
        self.scanner = ScanDetector(self)
        self.scanner.install(QApplication.instance())
        self._connect()
        self.retranslate()
        self.setMinimumSize(1024, 700)
        self._restore()
        self.status.start()

    # -- wiring ------------------------------------------------------------------------------------
    def _connect(self) -> None:
        s, page = self.session, self.page
        member, cart, quote = page.member, page.cart, page.quote
        self.signin.signed_in.connect(self.on_signed_in)
        self.signin.language_requested.connect(self.set_language)
        # panels -> session
        member.find_requested.connect(s.find_member)
        member.register_requested.connect(self.open_register)
        member.clear_requested.connect(lambda: s.set_member(None))
        member.topup_requested.connect(lambda: self.open_member_action("topup"))
        member.membership_requested.connect(lambda: self.open_member_action("membership"))
        cart.add_requested.connect(s.add_line)
        cart.product_requested.connect(s.add_product)
        cart.remove_requested.connect(s.remove_line)
        cart.qty_requested.connect(s.set_qty)
        quote.coupon_selected.connect(s.set_coupon)
        quote.redeem_selected.connect(s.set_redeem)
        quote.pay_requested.connect(self.open_pay)
        # session -> panels
        s.member_changed.connect(member.show_member)
        s.member_changed.connect(quote.show_member)
        s.member_choices.connect(self.open_member_pick)
        s.lookup_failed.connect(self.on_lookup_failed)
        s.lines_changed.connect(lambda: cart.show_lines(s.lines))
        s.coupon_changed.connect(quote.show_coupon)
        s.redeem_changed.connect(quote.show_redeem)
        s.quote_changed.connect(quote.show_quote)
        s.quote_changed.connect(self._quote_arrived)
        s.busy_changed.connect(quote.set_busy)
        s.paid.connect(self.on_paid)
        # function keys (window-wide; a modal dialog has its own)
        actions = {
            "member": (Qt.Key.Key_F1, member.focus_query),
            "line": (Qt.Key.Key_F2, cart.focus_amount),
            "coupon": (Qt.Key.Key_F3, quote.focus_coupon),
            "points": (Qt.Key.Key_F4, quote.focus_redeem),
            "code": (Qt.Key.Key_F5, cart.focus_code),
            "register": (Qt.Key.Key_F6, self.open_register),
            "receipt": (Qt.Key.Key_F7, self.open_last_receipt),
            "refund": (Qt.Key.Key_F8, self.open_refund),
            "manage": (Qt.Key.Key_F9, self.open_station),
            "signout": (Qt.Key.Key_F10, self.sign_out),
            "settings": (Qt.Key.Key_F11, self.open_settings),
            "remove": (Qt.Key.Key_Delete, cart.remove_selected),
            "clear": (Qt.Key.Key_Escape, self.ask_clear),
        }
        actions["pay"] = (Qt.Key.Key_F12, self.open_pay)
        for name, (key, slot) in actions.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(lambda name=name, slot=slot: self._on_key(name, slot))
            self.keys[name] = shortcut
            if name in page.buttons:
                page.buttons[name].clicked.connect(slot)
        self.scanner.scanned.connect(self.on_scan)

    def _on_key(self, name: str, slot: Any) -> None:
        """Function keys act on the checkout; on the manager's station only Esc does (back)."""
        if self.station is not None and self.stack.currentWidget() is self.station:
            if name == "clear":
                self.close_station()
        elif self.stack.currentWidget() is self.page and self.session.actor is not None:
            slot()

    # -- sign-in -----------------------------------------------------------------------------------
    def on_signed_in(self, signed: calls.SignedIn) -> None:
        self.signed = signed
        page = self.page
        for panel in (page.member, page.quote):
            panel.programme = signed.programme
        page.cart.set_categories(signed.programme.categories)
        self.session.start(signed.actor, signed.programme)
        manager = auth.role_at_least(signed.actor.role, "manager")
        page.buttons["manage"].setVisible(manager)
        if manager:
            self.station = ManagerStation(ManagerContext(self.t, self.runner, signed.actor, signed.programme,
                                                         self.ctx.settings))
            self.station.back_requested.connect(self.close_station)
            self.stack.addWidget(self.station)
        self.signin.set_store_name(signed.store_name)
        self.retranslate()
        self.stack.setCurrentWidget(page)
        page.member.focus_query()
        self.ready.emit()

    def sign_out(self) -> None:
        if not self.session.empty:
            self._confirm(self.tr("Sign out and clear the sale in progress?"), self._sign_out)
        else:
            self._sign_out()

    def _sign_out(self) -> None:
        self.session.clear()
        self.session.actor = None
        self.signed = None
        self.retranslate()
        self.stack.setCurrentWidget(self.signin)
        if self.station is not None:
            self.stack.removeWidget(self.station)
            self.station.deleteLater()
            self.station = None
        self.signin.reset()

    # -- checkout actions --------------------------------------------------------------------------
    def ask_clear(self) -> None:
        if not self.session.empty:
            self._confirm(self.tr("Clear this sale? The items and the member are removed."), self.session.clear)

    def _confirm(self, text: str, then: Any) -> QMessageBox:
        box = errors.confirm(self, self.tr("Please confirm"), text, then)
        self.dialog = box
        return box

    def _open(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.dialog = dialog
        dialog.open()  # type: ignore[attr-defined]

    def open_pay(self) -> None:
        """F12: pay now, or as soon as the quote being worked out arrives (a fast cashier)."""
        if self.stack.currentWidget() is not self.page or QApplication.activeModalWidget() is not None:
            return
        if self.session.can_pay:
            self._pay_pending = False
            self._open(PayDialog(self.session, self))
        elif self.session.lines and not self.session.settled:
            self._pay_pending = True

    def _quote_arrived(self, _outcome: Any) -> None:
        if self._pay_pending and self.session.settled:
            self._pay_pending = False
            self.open_pay()

    def open_register(self) -> None:
        typed = self.page.member.query.text().strip()
        phone = typed if len(typed) >= 11 and typed.replace(" ", "").isdigit() else ""
        self._open(RegisterDialog(self.session, self, phone))

    def open_member_action(self, name: str) -> None:
        """Stored value top-up or paid membership for the member at the till (money taken like a
        sale, so a cashier may); the member is shown again afterwards with the new balance or tier."""
        view, signed = self.session.member, self.signed
        if view is None or signed is None or QApplication.activeModalWidget() is not None:
            return
        mctx = ManagerContext(self.t, self.runner, signed.actor, signed.programme, self.ctx.settings)
        dialog = MEMBER_ACTIONS[name](mctx, view, self)
        dialog.done.connect(lambda _result: self.session.find_member(view["member_id"]))
        self._open(dialog)

    def open_station(self, member_id: str | None = None) -> None:
        """F9: the manager's station (managers and admins; a cashier is told plainly)."""
        if self.station is None:
            errors.show_error(self, UiError("not_manager_station"))
            return
        self.stack.setCurrentWidget(self.station)
        if member_id:
            self.station.open_member(member_id)
        else:
            self.station.focus()

    def close_station(self) -> None:
        if self.station is not None and self.stack.currentWidget() is self.station:
            self.stack.setCurrentWidget(self.page)
            self.page.member.focus_query()

    def open_member_pick(self, query: str, matches: list[dict[str, Any]]) -> None:
        dialog = MemberPickDialog(query, matches, self.session.programme, self)
        dialog.picked.connect(self.session.find_member)
        self._open(dialog)

    def open_refund(self) -> None:
        actor = self.session.actor
        manager = actor.staff_id if actor and auth.role_at_least(actor.role, "manager") else ""
        self._open(RefundDialog(self.t, self.runner, manager, parent=self))

    def open_last_receipt(self) -> None:
        if self.session.last_receipt is not None:
            dialog = ReceiptDialog(self.session.last_receipt, self)
            dialog.view.print_requested.connect(lambda doc: self.print_receipt(doc, dialog.view))
            self._open(dialog)

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.ctx.settings, self.t, self.runner, self.session.actor, self)
        dialog.language_chosen.connect(self.set_language)
        self._open(dialog)

    def on_paid(self, doc: dict[str, Any]) -> None:
        dialog = self.dialog if isinstance(self.dialog, PayDialog) else None
        view = dialog.receipt_view if dialog is not None else None
        if view is not None:
            view.print_requested.connect(lambda d: self.print_receipt(d, view))
        if self.ctx.printer.auto_print:
            self.print_receipt(doc, view)

    def print_receipt(self, doc: dict[str, Any], view: Any = None) -> None:
        try:
            where = self.ctx.printer.print(doc)
        except Exception as exc:  # a printer problem must not lose the sale: it is committed
            errors.show_error(self, exc)
            return
        if view is not None:
            view.printed(where)

    def on_lookup_failed(self, kind: str, exc: BaseException) -> None:
        if kind == "product":
            self.page.cart.show_error(exc)
        else:
            self.page.member.show_error(exc)

    def on_scan(self, text: str) -> None:
        """A scanner burst: on the checkout screen it names a member, product or coupon; on the
        manager's station, a member to look up; over a dialog or at sign-in it is typed into the
        focused field."""
        modal = QApplication.activeModalWidget()
        if modal is None and self.stack.currentWidget() is self.page and self.session.actor is not None:
            self.session.scan(text)
            return
        if modal is None and self.station is not None and self.stack.currentWidget() is self.station:
            self.station.scan(text)
            return
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.insert(text)

    # -- language, state ---------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        i18n.install(lang)
        self.ctx.settings.setValue("language", i18n.current())

    def retranslate(self) -> None:
        title = self.tr("Member checkout")
        if self.signed is not None:
            title = f"{title} — {self.signed.store_name}"
            a = self.signed.actor
            self.status.set_staff(self.tr("%1 (%2)").replace("%1", a.name or a.staff_id).replace(
                "%2", labels.role_name(a.role)))
        else:
            self.status.set_staff("")
        self.setWindowTitle(title)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _restore(self) -> None:
        geometry = self.ctx.settings.value("window/geometry")
        state = self.ctx.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.ctx.settings.setValue("window/geometry", self.saveGeometry())
        self.ctx.settings.setValue("window/state", self.saveState())
        self.ctx.settings.sync()
        self.status.timer.stop()
        QApplication.instance().removeEventFilter(self.scanner)
        super().closeEvent(event)
