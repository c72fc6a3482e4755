"""The member page on the manager's station: profile, tier and progress, points, and the member's
history (sales, points events, lots, coupons, tier changes, stored value), with one button per
action. Data comes from one worker call (members.view + member_history.history); every action is
a dialog, and the page reloads when one is done."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
    QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from terminal.services import member_history, members
from terminal.services.context import Actor, Terminal
from ui import errors, labels
from ui.manager import profile_dialogs
from ui.manager.base import ActionDialog, ManagerContext
from ui.manager.member_search import alive, phone_text, store_time

Index = QModelIndex | QPersistentModelIndex
PROFILE_ACTIONS = ("edit", "consent", "blacklist", "erase", "export")
MEMBER_ACTIONS = ("card", "adjust", "coupon", "topup", "membership")
ACTION_ORDER = PROFILE_ACTIONS + MEMBER_ACTIONS


def member_actions() -> dict[str, type[ActionDialog]]:
    """The member-action dialogs built beside this page (card, points, coupon, stored value, paid
    membership), if they are there."""
    try:
        from ui.manager.member_actions import ACTIONS
    except ImportError:
        ACTIONS = {}  # noqa: N806
    return dict(ACTIONS)


def load(t: Terminal, actor: Actor, member_id: str) -> dict[str, Any]:
    """On the worker: what the page shows."""
    return {"view": members.view(t, member_id), "history": member_history.history(t, actor, member_id)}


class TableModel(QAbstractTableModel):
    """Rows of ready-made text; the page makes them (in the UI's language) and sets them here."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.right: frozenset[int] = frozenset()

    def set_rows(self, headers: list[str], rows: list[list[str]], right: tuple[int, ...] = ()) -> None:
        self.beginResetModel()
        self.headers, self.rows, self.right = headers, rows, frozenset(right)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if index.column() in self.right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None


def _table(model: TableModel, stretch: int) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(34)
    header = table.horizontalHeader()

    def modes() -> None:  # per-section modes are lost when the columns change
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        if stretch < model.columnCount():
            header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    model.modelReset.connect(modes)
    modes()
    return table


class MemberPage(QWidget):
    back_requested = Signal()
    loaded = Signal()  # the page shows the member (tests wait on it)
    changed = Signal(str)  # an action changed this member

    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberPage")
        self.mctx = mctx
        self.member_id: str | None = None
        self.data: dict[str, Any] | None = None
        self.dialog: QWidget | None = None
        self._loading = 0

        # header: back, who, badges
        self.back = QPushButton()
        self.back.setObjectName("memberBack")
        self.back.setAutoDefault(False)
        self.back.clicked.connect(self.back_requested)
        self.name = QLabel()
        self.name.setObjectName("memberName")
        self.phone = QLabel()
        self.phone.setObjectName("memberPhone")
        self.phone.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badges = QHBoxLayout()
        self.badges.setSpacing(6)
        head = QHBoxLayout()
        head.addWidget(self.back)
        head.addSpacing(12)
        head.addWidget(self.name)
        head.addSpacing(8)
        head.addWidget(self.phone)
        head.addSpacing(8)
        head.addLayout(self.badges)
        head.addStretch(1)

        # actions
        self.buttons: dict[str, QPushButton] = {}
        bar = QWidget()
        bar.setObjectName("actionBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(0, 0, 0, 0)
        bar_layout.setSpacing(4)
        for name in ACTION_ORDER:
            button = QPushButton()
            button.setObjectName(f"action_{name}")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _c=False, name=name: self.open_action(name))
            self.buttons[name] = button
            bar_layout.addWidget(button, 1)
            if name == PROFILE_ACTIONS[-1]:
                line = QFrame()
                line.setFrameShape(QFrame.Shape.VLine)
                line.setFrameShadow(QFrame.Shadow.Sunken)
                bar_layout.addWidget(line)

        self.message = QLabel()
        self.message.setObjectName("memberMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        # profile, tier, points: three boxes side by side
        self.fields: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.groups: dict[str, QGroupBox] = {}
        info = QHBoxLayout()
        info.setSpacing(8)
        for group, keys in (("profile", ("name", "phone", "birthday", "registered", "status", "consent")),
                            ("tier", ("tier", "tier_since", "qualifying", "next_tier", "retention", "paid")),
                            ("points", ("balance", "expiring", "stored_value", "coupons"))):
            box = QGroupBox()
            box.setObjectName(f"group_{group}")
            form = QFormLayout(box)
            form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            form.setVerticalSpacing(4)
            form.setContentsMargins(8, 6, 8, 6)
            for key in keys:
                caption, value = QLabel(), QLabel()
                caption.setObjectName("fieldCaption")
                value.setObjectName(f"field_{key}")
                value.setWordWrap(True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.captions[key], self.fields[key] = caption, value
                form.addRow(caption, value)
            self.groups[group] = box
            info.addWidget(box, 1)

        # history tabs
        self.models: dict[str, TableModel] = {}
        self.tables: dict[str, QTableView] = {}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("historyTabs")
        for key, stretch in (("sales", 5), ("points", 3), ("lots", 4), ("coupons", 1), ("tiers", 2),
                             ("stored_value", 3)):
            model = TableModel(self)
            table = _table(model, stretch)
            table.setObjectName(f"table_{key}")
            self.models[key], self.tables[key] = model, table
            self.tabs.addTab(table, "")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(bar)
        layout.addWidget(self.message)
        layout.addLayout(info)
        layout.addWidget(self.tabs, 1)
        self.setStyleSheet(
            "#memberPage QGroupBox { font-weight: bold; }"
            " #memberPage QGroupBox QLabel { font-size: 14px; font-weight: normal; }"
            " #memberPage #fieldCaption { color: #555; }"
            " #memberPage #actionBar QPushButton { min-height: 40px; }"
            " #memberPage #memberBack { min-height: 36px; }")

        back_key = QShortcut(QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Left), self)
        back_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back_key.activated.connect(self.back_requested)
        self.retranslate()

    # -- loading ---------------------------------------------------------------------------------
    def load(self, member_id: str) -> None:
        if member_id != self.member_id:
            self.data = None
            self._render()
        self.member_id = member_id
        self._loading += 1
        ticket = self._loading
        t, actor = self.mctx.t, self.mctx.actor
        self.mctx.runner.run(lambda: load(t, actor, member_id),
                             lambda data: self._loaded(ticket, data), lambda exc: self._failed(ticket, exc))

    def reload(self) -> None:
        if self.member_id is not None:
            self.load(self.member_id)

    def _loaded(self, ticket: int, data: dict[str, Any]) -> None:
        if not alive(self) or ticket != self._loading:
            return
        self.data = data
        self.message.hide()
        self._render()
        self.loaded.emit()

    def _failed(self, ticket: int, exc: BaseException) -> None:
        if not alive(self) or ticket != self._loading:
            return
        self.message.setText(errors.message(exc))
        self.message.show()

    @property
    def member(self) -> dict[str, Any] | None:
        """The members.view() dict the action dialogs get (plus the full phone: managers only)."""
        if self.data is None:
            return None
        return {**self.data["view"], "phone": self.data["history"].get("phone")}

    # -- actions ---------------------------------------------------------------------------------
    def open_action(self, name: str) -> None:
        member = self.member
        if member is None or not self.buttons[name].isEnabled():
            return
        if name in PROFILE_ACTIONS:
            cls = profile_dialogs.dialog_for(name, member)
        else:
            cls = member_actions().get(name)
        if cls is None:
            return
        dialog = cls(self.mctx, member, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.done.connect(self._action_done)
        dialog.finished.connect(lambda _r, name=name: self._dialog_closed(name))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, name: str) -> None:
        """The keyboard focus back on the page (on the action's button, or Back when it is disabled)."""
        self.window().activateWindow()
        button = self.buttons[name]
        (button if button.isEnabled() and button.isVisible() else self.back).setFocus()

    def _action_done(self, _result: object) -> None:
        if self.member_id is not None:
            self.changed.emit(self.member_id)
        self.reload()

    # -- language --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.back.setText(self.tr("← Search (Alt+←)"))
        captions = {
            "name": self.tr("Name"), "phone": self.tr("Phone"), "birthday": self.tr("Birthday"),
            "registered": self.tr("Registered"), "status": self.tr("Status"),
            "consent": self.tr("Marketing consent"), "tier": self.tr("Tier"), "tier_since": self.tr("Tier since"),
            "qualifying": self.tr("Spend, last 365 days"), "next_tier": self.tr("Next tier"),
            "retention": self.tr("Keeping the tier"), "paid": self.tr("Paid membership"),
            "balance": self.tr("Points balance"), "expiring": self.tr("Expiring in 30 days"),
            "stored_value": self.tr("Stored value"), "coupons": self.tr("Coupons"),
        }
        for key, text in captions.items():
            self.captions[key].setText(text)
        self.groups["profile"].setTitle(self.tr("Profile"))
        self.groups["tier"].setTitle(self.tr("Tier and progress"))
        self.groups["points"].setTitle(self.tr("Points, stored value, coupons"))
        for i, text in enumerate((self.tr("Sales"), self.tr("Points history"), self.tr("Points lots"),
                                  self.tr("Coupons"), self.tr("Tier history"), self.tr("Stored value"))):
            self.tabs.setTabText(i, text)
        texts = {
            "edit": self.tr("Edit profile"), "consent": self.tr("Marketing consent"),
            "blacklist": self.tr("Blacklist"), "erase": self.tr("Erase (PIPL)"), "export": self.tr("Export data"),
            "card": self.tr("Member card"), "adjust": self.tr("Adjust points"), "coupon": self.tr("Give coupon"),
            "topup": self.tr("Top up"), "membership": self.tr("Paid membership"),
        }
        for name, text in texts.items():
            self.buttons[name].setText(text)
        self._render()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- showing ---------------------------------------------------------------------------------
    def _render(self) -> None:
        data = self.data
        self._clear_badges()
        available = member_actions()
        for name in MEMBER_ACTIONS:
            self.buttons[name].setVisible(name in available)
        if data is None:
            self.name.setText(self.tr("Loading…") if self.member_id else "")
            self.phone.clear()
            for value in self.fields.values():
                value.clear()
            for model in self.models.values():
                model.set_rows([], [])
            for button in self.buttons.values():
                button.setEnabled(False)
            return
        view, hist = data["view"], data["history"]
        erased = view["status"] == "erased"
        blacklisted = view["status"] == "blacklisted"
        for name, button in self.buttons.items():
            button.setEnabled(not erased or name == "export")
        self.buttons["blacklist"].setText(self.tr("Lift blacklist") if blacklisted else self.tr("Blacklist"))
        self._render_header(view, hist, erased, blacklisted)
        self._render_profile(view, hist, erased, blacklisted)
        self._render_tier(view)
        self._render_points(view, hist)
        self._render_sales(hist)
        self._render_points_history(hist)
        self._render_lots(hist)
        self._render_coupons(view)
        self._render_tiers(hist)
        self._render_stored_value(hist)

    def _clear_badges(self) -> None:
        while self.badges.count():
            item = self.badges.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def _badge(self, text: str, style: str) -> None:
        badge = QLabel(text)
        badge.setObjectName(style)
        self.badges.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)

    def _when(self, text: str | None, time: bool = True) -> str:
        return store_time(text, self.mctx.programme, time=time)

    def _tier(self, tier_id: str | None) -> str:
        return labels.tier_name(self.mctx.programme, tier_id)

    def _render_header(self, view: dict[str, Any], hist: dict[str, Any], erased: bool, blacklisted: bool) -> None:
        if erased:
            self.name.setText(self.tr("Erased member"))
            self.phone.clear()
            self.phone.hide()
            self._badge(self.tr("Erased"), "badgeWarn")
            return
        self.name.setText(view.get("name") or self.tr("(no name)"))
        self.phone.setText(phone_text(self.mctx.actor, hist.get("phone"), view.get("phone_masked")))
        self.phone.setVisible(bool(self.phone.text()))
        self._badge(self._tier(view["tier"]), "badgeGold")
        self._badge(labels.lifecycle_name(view["lifecycle"]), "badge")
        if blacklisted:
            self._badge(self.tr("Blacklisted"), "badgeWarn")
        if view.get("at_risk"):
            self._badge(self.tr("Tier at risk"), "badgeWarn")
        if view.get("high_value"):
            self._badge(self.tr("High-value member"), "badgeGold")
        if view.get("paid_tier"):
            self._badge(self.tr("Paid member"), "badgeGold")

    def _render_profile(self, view: dict[str, Any], hist: dict[str, Any], erased: bool, blacklisted: bool) -> None:
        f = self.fields
        gone = self.tr("(erased)")
        f["name"].setText(gone if erased else view.get("name") or self.tr("(no name)"))
        f["phone"].setText(gone if erased else phone_text(self.mctx.actor, hist.get("phone"), view.get("phone_masked")))
        f["birthday"].setText(gone if erased else view.get("birthday") or self.tr("not given"))
        f["registered"].setText(self._when(view.get("registered_at")))
        if erased:
            f["status"].setText(self.tr("Erased: personal data removed"))
        elif blacklisted:
            f["status"].setText(self.tr("Blacklisted: %1").replace("%1", view.get("blacklist_reason") or ""))
        else:
            f["status"].setText(self.tr("Active"))
        f["status"].setStyleSheet("color: #b42318; font-weight: bold;" if blacklisted or erased else "")
        consent = view.get("marketing_consent")
        if consent is None:
            f["consent"].setText(self.tr("Not asked"))
        else:
            text = self.tr("Yes, since %1") if consent else self.tr("No, since %1")
            f["consent"].setText(text.replace("%1", self._when(view.get("consent_at"))))

    def _render_tier(self, view: dict[str, Any]) -> None:
        f = self.fields
        f["tier"].setText(self._tier(view["tier"]))
        f["tier_since"].setText(self._when(view.get("tier_since"), time=False))
        f["qualifying"].setText(labels.money(int(view.get("qualifying_fen") or 0)))
        if view.get("next_tier"):
            more = labels.money(int(view.get("to_next_tier_fen") or 0))
            f["next_tier"].setText(self.tr("Spend %1 more to reach %2").replace("%1", more).replace(
                "%2", self._tier(view["next_tier"])))
        else:
            f["next_tier"].setText(self.tr("Top tier"))
        anniversary = view.get("next_anniversary")
        if anniversary and view.get("at_risk"):
            f["retention"].setText(self.tr("At risk: below the line, reviewed on %1").replace("%1", anniversary))
            f["retention"].setStyleSheet("color: #b42318; font-weight: bold;")
        elif anniversary:
            f["retention"].setText(self.tr("Reviewed on %1").replace("%1", anniversary))
            f["retention"].setStyleSheet("")
        else:
            f["retention"].setText(self.tr("Entry tier: nothing to keep"))
            f["retention"].setStyleSheet("")
        if view.get("paid_tier"):
            f["paid"].setText(self.tr("%1 until %2").replace("%1", self._tier(view["paid_tier"])).replace(
                "%2", self._when(view.get("paid_until"), time=False)))
        else:
            f["paid"].setText(self.tr("None"))

    def _render_points(self, view: dict[str, Any], hist: dict[str, Any]) -> None:
        f = self.fields
        balance = int(view["points_balance"])
        text = f"{balance:,}"
        if balance < 0:
            text += " " + self.tr("(negative: points already spent were refunded)")
        f["balance"].setText(text)
        expiring = view.get("expiring_points") or []
        f["expiring"].setText("; ".join(
            self.tr("%1 on %2").replace("%1", f"{e['points']:,}").replace("%2", e["expires_on"]) for e in expiring)
            or self.tr("None"))
        stored = view.get("stored_value_fen")
        f["stored_value"].setText(labels.money(int(stored)) if stored is not None else self.tr("Not offered"))
        counts: dict[str, int] = {}
        for c in view.get("coupons") or []:
            counts[c["status"]] = counts.get(c["status"], 0) + 1
        f["coupons"].setText(self.tr("%1 available, %2 used, %3 expired").replace(
            "%1", str(counts.get("available", 0))).replace("%2", str(counts.get("used", 0))).replace(
            "%3", str(counts.get("expired", 0))))

    def _staff(self, entry: dict[str, Any]) -> str:
        return entry.get("staff_name") or entry.get("staff_id") or ""

    def _render_sales(self, hist: dict[str, Any]) -> None:
        rows = []
        for s in hist["sales"]:
            earned = int(s["points_earned"]) + int(s.get("bonus_points") or 0)
            used = int(s["points_redeemed"])
            points = " / ".join(x for x in (f"+{earned:,}" if earned else "", f"-{used:,}" if used else "") if x)
            refunds = "; ".join(
                self.tr("%1 on %2").replace("%1", labels.money(int(r["refund_fen"]))).replace(
                    "%2", self._when(r["occurred_at"], time=False)) for r in s["refunds"])
            paid = labels.money(int(s["payable_fen"]))
            rows.append([s["receipt_no"], self._when(s["occurred_at"]), labels.money(int(s["subtotal_fen"])),
                         f"{paid} {labels.pay_method_name(s['pay_method'])}", points, refunds, self._staff(s)])
        self.models["sales"].set_rows(
            [self.tr("Receipt"), self.tr("Time"), self.tr("Amount"), self.tr("Paid"), self.tr("Points +earned / -used"),
             self.tr("Refunds"), self.tr("Staff")], rows, right=(2, 3, 4))

    def _point_kind(self, kind: str) -> str:
        names = {
            "points_earned": self.tr("Earned"), "bonus_awarded": self.tr("Bonus"),
            "points_redeemed": self.tr("Redeemed"), "points_expired": self.tr("Expired"),
            "points_adjusted": self.tr("Adjusted"), "points_reversed": self.tr("Refund: earned points taken back"),
            "points_restored": self.tr("Refund: used points given back"),
        }
        return names.get(kind, kind)

    def _point_detail(self, e: dict[str, Any], lots_by_id: dict[str, dict[str, Any]]) -> str:
        kind, receipt = e["kind"], e.get("receipt_no") or ""
        if kind == "points_adjusted":
            return e.get("reason") or ""
        if kind == "bonus_awarded":
            if e.get("reason") == "monthly_bonus":
                return self.tr("Monthly spend bonus (%1)").replace("%1", e.get("month") or "")
            return e.get("reason") or ""
        if kind == "points_expired":
            lot = lots_by_id.get(e.get("lot_id") or "")
            return self.tr("Earned on %1").replace("%1", self._when(lot["earned_at"], time=False)) if lot else ""
        if kind in ("points_earned", "points_redeemed", "points_reversed", "points_restored"):
            return self.tr("Receipt %1").replace("%1", receipt) if receipt else ""
        return ""

    def _render_points_history(self, hist: dict[str, Any]) -> None:
        lots_by_id = {lot["lot_id"]: lot for lot in hist["lots"]}
        rows = [[self._when(e["occurred_at"]), self._point_kind(e["kind"]), f"{int(e['delta']):+,}",
                 self._point_detail(e, lots_by_id), self._staff(e)] for e in hist["points"]]
        self.models["points"].set_rows(
            [self.tr("Time"), self.tr("What"), self.tr("Points"), self.tr("Reason or receipt"), self.tr("Staff")],
            rows, right=(2,))

    def _render_lots(self, hist: dict[str, Any]) -> None:
        rows = []
        for lot in sorted(hist["lots"], key=lambda x: (not x["live"], x["expires_at"])):
            if lot["live"]:
                state = self.tr("Valid")
            elif lot["remaining"] > 0:
                state = self.tr("Expired")
            else:
                state = self.tr("Used up")
            rows.append([self._when(lot["earned_at"], time=False), f"{int(lot['points']):,}",
                         f"{int(lot['remaining']):,}", lot["expires_on"], state])
        self.models["lots"].set_rows(
            [self.tr("Earned"), self.tr("Points"), self.tr("Left"), self.tr("Valid through"), self.tr("State")],
            rows, right=(1, 2))

    def _render_coupons(self, view: dict[str, Any]) -> None:
        states = {"available": self.tr("Available"), "used": self.tr("Used"), "expired": self.tr("Expired"),
                  "not_yet_valid": self.tr("Not valid yet")}
        rows = [[c["code"], labels.coupon_text(self.mctx.programme, {**c, "valid_to": ""}),
                 self._when(c["valid_from"], time=False), self._when(c["valid_to"], time=False),
                 states.get(c["status"], c["status"])] for c in view.get("coupons") or []]
        self.models["coupons"].set_rows(
            [self.tr("Code"), self.tr("Coupon"), self.tr("From"), self.tr("Until"), self.tr("State")], rows)

    def _render_tiers(self, hist: dict[str, Any]) -> None:
        rows = []
        for e in hist["tiers"]:
            if e["kind"] == "membership_purchased":
                change = self.tr("Paid membership: %1").replace("%1", self._tier(e.get("to")))
                detail = self.tr("%1 to %2, fee %3").replace("%1", self._when(e.get("starts_at"), time=False)).replace(
                    "%2", self._when(e.get("ends_at"), time=False)).replace(
                    "%3", labels.money(int(e.get("fee_fen") or 0)))
            else:
                change = f"{self._tier(e.get('from'))} → {self._tier(e.get('to'))}"
                reason = {"upgrade": self.tr("Upgrade"), "retention": self.tr("Retention review")}.get(
                    e.get("reason") or "", e.get("reason") or "")
                receipt = e.get("receipt_no")
                detail = reason + ("  " + self.tr("Receipt %1").replace("%1", receipt) if receipt else "")
            rows.append([self._when(e["occurred_at"]), change, detail, self._staff(e)])
        self.models["tiers"].set_rows([self.tr("Time"), self.tr("Change"), self.tr("Why"), self.tr("Staff")], rows)

    def _render_stored_value(self, hist: dict[str, Any]) -> None:
        kinds = {"stored_value_topup": self.tr("Top-up"), "stored_value_spent": self.tr("Paid at a sale"),
                 "stored_value_refunded": self.tr("Refunded to stored value")}
        rows = []
        for e in hist["stored_value"]:
            detail = ""
            if e["kind"] == "stored_value_topup":
                paid, bonus = labels.money(int(e.get("paid_fen") or 0)), labels.money(int(e.get("bonus_fen") or 0))
                detail = self.tr("Paid %1 by %2, bonus %3").replace("%1", paid).replace(
                    "%2", labels.pay_method_name(e.get("pay_method") or "")).replace("%3", bonus)
            elif e.get("receipt_no"):
                detail = self.tr("Receipt %1").replace("%1", e["receipt_no"])
            rows.append([self._when(e["occurred_at"]), kinds.get(e["kind"], e["kind"]),
                         labels.money(int(e["amount_fen"])), detail, self._staff(e)])
        self.models["stored_value"].set_rows(
            [self.tr("Time"), self.tr("What"), self.tr("Amount"), self.tr("Details"), self.tr("Staff")],
            rows, right=(2,))
