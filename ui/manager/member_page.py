"""The member page on the manager's station: profile, tier and progress, points, and the member's
history (sales, points events, lots, coupons, tier changes, stored value), with one button per
action. Data comes from one worker call (members.view + member_history.history); every action is
a dialog, and the page reloads when one is done."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QPushButton,
    QVBoxLayout, QWidget,
)

from terminal.services import member_history, members
from terminal.services.context import Actor, Terminal
from ui import errors, labels
from ui.manager import profile_dialogs
from ui.manager.base import ActionDialog, ManagerContext
from ui.manager.history_tabs import HistoryTabs
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
        self.tabs = HistoryTabs(mctx.programme)
        self.models = self.tabs.models

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
            self.tabs.clear()
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
        self.tabs.show_member(view, hist)

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
