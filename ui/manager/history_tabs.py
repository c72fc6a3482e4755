"""The member's history on the member page, one tab each: sales (with refunds), points events with
their reasons, points lots with their expiry, coupons, tier changes and paid memberships, stored
value. Rows are made here in the UI's language from member_history.history() and members.view()."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTabWidget, QWidget

from terminal.rules import Programme
from ui import labels
from ui.manager.member_search import store_time

Index = QModelIndex | QPersistentModelIndex
TABS = (("sales", 5), ("points", 3), ("lots", 4), ("coupons", 1), ("tiers", 2), ("stored_value", 3))


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


class HistoryTabs(QTabWidget):
    def __init__(self, programme: Programme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyTabs")
        self.programme = programme
        self.models: dict[str, TableModel] = {}
        self.tables: dict[str, QTableView] = {}
        self._shown: tuple[dict[str, Any], dict[str, Any]] | None = None
        for key, stretch in TABS:
            model = TableModel(self)
            table = _table(model, stretch)
            table.setObjectName(f"table_{key}")
            self.models[key], self.tables[key] = model, table
            self.addTab(table, "")
        self.retranslate()

    def show_member(self, view: dict[str, Any], hist: dict[str, Any]) -> None:
        self._shown = (view, hist)
        self._render_sales(hist)
        self._render_points_history(hist)
        self._render_lots(hist)
        self._render_coupons(view)
        self._render_tiers(hist)
        self._render_stored_value(hist)

    def clear(self) -> None:  # type: ignore[override]
        self._shown = None
        for model in self.models.values():
            model.set_rows([], [])

    def retranslate(self) -> None:
        for i, text in enumerate((self.tr("Sales"), self.tr("Points history"), self.tr("Points lots"),
                                  self.tr("Coupons"), self.tr("Tier history"), self.tr("Stored value"))):
            self.setTabText(i, text)
        if self._shown is not None:
            self.show_member(*self._shown)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _when(self, text: str | None, time: bool = True) -> str:
        return store_time(text, self.programme, time=time)

    def _tier(self, tier_id: str | None) -> str:
        return labels.tier_name(self.programme, tier_id)

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
        rows = [[c["code"], labels.coupon_text(self.programme, {**c, "valid_to": ""}),
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
