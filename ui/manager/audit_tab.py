"""The audit log: the latest entries (time, staff, action, details) and the chain check, which says
the log is intact or names the first entry that was changed, inserted or deleted."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from terminal.services import audit
from ui import errors, labels
from ui.manager.base import ManagerContext

LIMIT = 200
BAD = QColor("#fde8e8")


def action_name(action: str) -> str:
    names = {
        "sign_in": QCoreApplication.translate("AuditTab", "Signed in"),
        "sign_in_failed": QCoreApplication.translate("AuditTab", "Wrong PIN"),
        "staff_added": QCoreApplication.translate("AuditTab", "Staff added"),
        "staff_pin_reset": QCoreApplication.translate("AuditTab", "PIN reset"),
        "staff_role_changed": QCoreApplication.translate("AuditTab", "Role changed"),
        "staff_deactivated": QCoreApplication.translate("AuditTab", "Staff deactivated"),
        "staff_reactivated": QCoreApplication.translate("AuditTab", "Staff reactivated"),
        "points_adjusted": QCoreApplication.translate("AuditTab", "Points adjusted"),
        "coupon_given": QCoreApplication.translate("AuditTab", "Coupon given"),
        "card_replaced": QCoreApplication.translate("AuditTab", "Card replaced"),
        "stored_value_topup": QCoreApplication.translate("AuditTab", "Stored value top-up"),
        "membership_purchased": QCoreApplication.translate("AuditTab", "Paid membership bought"),
        "refund": QCoreApplication.translate("AuditTab", "Refund"),
        "member_updated": QCoreApplication.translate("AuditTab", "Member profile changed"),
        "marketing_consent": QCoreApplication.translate("AuditTab", "Marketing consent"),
        "member_blacklisted": QCoreApplication.translate("AuditTab", "Member blacklisted"),
        "member_unblacklisted": QCoreApplication.translate("AuditTab", "Blacklist lifted"),
        "member_erased": QCoreApplication.translate("AuditTab", "Member erased"),
        "member_exported": QCoreApplication.translate("AuditTab", "Member data exported"),
        "rules_loaded": QCoreApplication.translate("AuditTab", "Rules loaded"),
        "rules_pulled": QCoreApplication.translate("AuditTab", "Rules from head office"),
    }
    return names.get(action, action)


def detail_text(detail: Any) -> str:
    """'staff_id=c01, role=cashier': ids and amounts as recorded (money in fen shown as yuan)."""
    if not isinstance(detail, dict):
        return str(detail)
    parts = []
    for key, value in detail.items():
        if key.endswith("_fen") and isinstance(value, int) and not isinstance(value, bool):
            shown = labels.money(value)
        elif isinstance(value, (dict, list)):
            shown = json.dumps(value, ensure_ascii=False)
        else:
            shown = str(value)
        parts.append(f"{key}={shown}")
    return ", ".join(parts)


class AuditTab(QWidget):
    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditTab")
        self.mctx = mctx
        self.rows: list[dict[str, Any]] = []
        self.result: dict[str, Any] | None = None
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("auditTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.verify_button = QPushButton()
        self.verify_button.setObjectName("auditVerify")
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("auditRefresh")
        self.verdict = QLabel()
        self.verdict.setObjectName("auditVerdict")
        self.verdict.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.caption = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.verdict, 1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.verify_button.clicked.connect(self.verify)
        self.refresh_button.clicked.connect(self.reload)
        self.retranslate()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        mctx = self.mctx
        self.mctx.runner.run(lambda: audit.recent(mctx.t, mctx.actor, LIMIT), self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.message.setText(errors.message(exc))

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.message.clear()
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            who = row["staff_id"] or "—"
            if row.get("staff_name") and row["staff_id"]:
                who = f"{row['staff_id']} ({row['staff_name']})"
            cells = (row["at"][:19].replace("T", " "), who, action_name(row["action"]), detail_text(row["detail"]))
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row["id"])
                if j == 3:
                    item.setToolTip(text)
                self.table.setItem(i, j, item)
        self._mark_bad()

    def _mark_bad(self) -> None:
        bad = self.result["first_bad_id"] if self.result and not self.result["intact"] else None
        for i, row in enumerate(self.rows):
            for j in range(self.table.columnCount()):
                item = self.table.item(i, j)
                if item is not None:
                    item.setBackground(BAD if row["id"] == bad else QColor(0, 0, 0, 0))
            if row["id"] == bad:
                self.table.scrollToItem(self.table.item(i, 0))

    def verify(self) -> None:
        if not self.verify_button.isEnabled():
            return
        self.verify_button.setEnabled(False)
        self.verdict.setText(self.tr("Checking…"))
        mctx = self.mctx
        self.mctx.runner.run(lambda: audit.check(mctx.t, mctx.actor), self._checked, self._failed)

    def _checked(self, result: dict[str, Any]) -> None:
        self.result = result
        self.verify_button.setEnabled(True)
        self._show_verdict()
        self._mark_bad()

    def _show_verdict(self) -> None:
        result = self.result
        if result is None:
            self.verdict.clear()
            return
        if result["intact"]:
            self.verdict.setStyleSheet("color: #1a7f37; font-weight: bold;")
            self.verdict.setText(self.tr("OK: the audit log is intact (%1 entries checked)").replace(
                "%1", f"{result['rows']:,}"))
            return
        self.verdict.setStyleSheet("color: #b42318; font-weight: bold;")
        bad = result.get("first_bad")
        if bad is None:  # the first bad id is a row that is missing (deleted)
            text = self.tr("The audit log was altered: entry #%1 is missing or out of order").replace(
                "%1", str(result["first_bad_id"]))
        else:
            text = self.tr("The audit log was altered from entry #%1 (%2, %3, %4)").replace(
                "%1", str(bad["id"])).replace("%2", bad["at"][:19].replace("T", " ")).replace(
                "%3", bad["staff_id"] or "—").replace("%4", action_name(bad["action"]))
        self.verdict.setText(text)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Staff"), self.tr("Action"),
                                              self.tr("Details")])
        self.verify_button.setText(self.tr("Verify chain"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.caption.setText(self.tr("The latest %1 entries, newest first").replace("%1", str(LIMIT)))
        if self.rows:
            self._loaded(self.rows)
        self._show_verdict()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
