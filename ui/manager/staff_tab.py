"""Staff: who works this till (id, name, role, active or locked), adding staff, resetting a PIN,
changing a role, deactivating. The service decides who may do what (an admin anyone, a manager
cashiers; the last admin stays); this tab only offers what the service will allow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QMessageBox,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from terminal import auth
from terminal.services import staff
from ui import errors, labels
from ui.manager.action_parts import button_row
from ui.manager.base import ManagerContext

COLUMNS = 4


def _pin_field() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(12)
    edit.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    return edit


class StaffDialog(QDialog):
    """One staff change: runs the service call off the GUI thread, keeps errors inline."""

    done = Signal(object)

    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mctx = mctx
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.confirm = QPushButton()
        # explicit context: tr() in a base class would look the text up under the subclass's name
        self.cancel = QPushButton(QCoreApplication.translate("StaffDialog", "Cancel (Esc)"))
        self.cancel.clicked.connect(self.reject)
        self.confirm.clicked.connect(self.submit)

    def roles(self) -> list[str]:
        return [r for r in auth.ROLES if staff.manages(self.mctx.actor, r)]

    def role_combo(self, current: str | None = None) -> QComboBox:
        combo = QComboBox()
        for role in self.roles():
            combo.addItem(labels.role_name(role), role)
        if current is not None and combo.findData(current) >= 0:
            combo.setCurrentIndex(combo.findData(current))
        return combo

    def pins_match(self, pin: QLineEdit, again: QLineEdit) -> bool:
        if pin.text() != again.text():
            self.message.setText(QCoreApplication.translate("StaffDialog", "The two PINs are not the same"))
            again.clear()
            again.setFocus()
            return False
        return True

    def call(self, fn: Callable[[], Any]) -> None:
        self.message.clear()
        self.setEnabled(False)

        def ok(result: Any) -> None:
            self.setEnabled(True)
            self.done.emit(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.setEnabled(True)
            self.message.setText(errors.message(exc))

        self.mctx.runner.run(fn, ok, failed)

    def submit(self) -> None:
        raise NotImplementedError


class AddStaffDialog(StaffDialog):
    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(mctx, parent)
        self.setObjectName("addStaffDialog")
        self.setWindowTitle(self.tr("Add staff"))
        self.staff_id = QLineEdit()
        self.staff_id.setObjectName("newStaffId")
        self.staff_id.setMaxLength(32)
        self.staff_id.setPlaceholderText(self.tr("Letters and digits, e.g. c02"))
        self.staff_id.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.name = QLineEdit()
        self.name.setObjectName("newStaffName")
        self.name.setMaxLength(staff.MAX_NAME)
        self.role = self.role_combo("cashier")
        self.role.setObjectName("newStaffRole")
        self.pin = _pin_field()
        self.pin.setObjectName("newStaffPin")
        self.pin.setPlaceholderText(self.tr("4 to 12 digits"))
        self.again = _pin_field()
        self.again.setObjectName("newStaffPinAgain")
        self.confirm.setText(self.tr("Add (Enter)"))
        form = QFormLayout()
        form.addRow(self.tr("Staff id"), self.staff_id)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("PIN"), self.pin)
        form.addRow(self.tr("PIN again"), self.again)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.resize(520, 420)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.staff_id.setFocus()

    def submit(self) -> None:
        if not self.isEnabled() or not self.pins_match(self.pin, self.again):
            return
        mctx = self.mctx
        staff_id, name, role, pin = self.staff_id.text().strip(), self.name.text(), self.role.currentData(), self.pin.text()
        self.call(lambda: staff.add_staff(mctx.t, mctx.actor, staff_id, name, role, pin) or staff_id)


class ResetPinDialog(StaffDialog):
    def __init__(self, mctx: ManagerContext, row: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, parent)
        self.setObjectName("resetPinDialog")
        self.setWindowTitle(self.tr("Reset PIN"))
        self.row = row
        self.who = QLabel(self.tr("New PIN for %1 (%2). The old PIN stops working at once, and a lock is lifted.")
                          .replace("%1", row["staff_id"]).replace("%2", row["name"]))
        self.who.setWordWrap(True)
        self.pin = _pin_field()
        self.pin.setObjectName("resetPin")
        self.pin.setPlaceholderText(self.tr("4 to 12 digits"))
        self.again = _pin_field()
        self.again.setObjectName("resetPinAgain")
        self.confirm.setText(self.tr("Set the new PIN (Enter)"))
        form = QFormLayout()
        form.addRow(self.tr("New PIN"), self.pin)
        form.addRow(self.tr("PIN again"), self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(self.who)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.resize(520, 320)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.pin.setFocus()

    def submit(self) -> None:
        if not self.isEnabled() or not self.pins_match(self.pin, self.again):
            return
        mctx, staff_id, pin = self.mctx, self.row["staff_id"], self.pin.text()
        self.call(lambda: staff.reset_pin(mctx.t, mctx.actor, staff_id, pin) or staff_id)


class RoleDialog(StaffDialog):
    def __init__(self, mctx: ManagerContext, row: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, parent)
        self.setObjectName("roleDialog")
        self.setWindowTitle(self.tr("Change role"))
        self.row = row
        who = QLabel(self.tr("Role of %1 (%2)").replace("%1", row["staff_id"]).replace("%2", row["name"]))
        self.role = self.role_combo(row["role"])
        self.role.setObjectName("roleChoice")
        self.confirm.setText(self.tr("Change role (Enter)"))
        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(self.role)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(button_row(self.confirm, self.cancel))
        self.resize(460, 260)

    def submit(self) -> None:
        if not self.isEnabled():
            return
        mctx, staff_id, role = self.mctx, self.row["staff_id"], self.role.currentData()
        self.call(lambda: staff.set_role(mctx.t, mctx.actor, staff_id, role) or staff_id)


class StaffTab(QWidget):
    changed = Signal()  # after a change was saved and the list reloaded

    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("staffTab")
        self.mctx = mctx
        self.rows: list[dict[str, Any]] = []
        self.loaded = False
        self._after_save: str | None = None  # a change was saved: select this staff id after reloading
        self.dialog: QWidget | None = None
        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("staffTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(120)
        header.setStretchLastSection(True)
        self.add_button = QPushButton()
        self.add_button.setObjectName("staffAdd")
        self.reset_button = QPushButton()
        self.reset_button.setObjectName("staffResetPin")
        self.role_button = QPushButton()
        self.role_button.setObjectName("staffRole")
        self.active_button = QPushButton()
        self.active_button.setObjectName("staffActive")
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("staffRefresh")
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.reset_button, self.role_button, self.active_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        layout.addWidget(self.message)
        self.add_button.clicked.connect(self.open_add)
        self.reset_button.clicked.connect(self.open_reset_pin)
        self.role_button.clicked.connect(self.open_role)
        self.active_button.clicked.connect(self.toggle_active)
        self.refresh_button.clicked.connect(self.reload)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.retranslate()
        self._selection_changed()

    # -- loading ----------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        self.reload()

    def reload(self) -> None:
        mctx = self.mctx
        self.mctx.runner.run(lambda: staff.list_staff(mctx.t, mctx.actor), self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText(errors.message(exc))

    def _loaded(self, rows: list[dict[str, Any]]) -> None:
        selected = self.selected()
        saved, self._after_save = self._after_save, None
        keep = saved or (selected["staff_id"] if selected else None)
        self.rows = rows
        self.loaded = True
        self.message.clear()
        self.table.setRowCount(len(rows))
        grey = QColor("#8a8f98")
        for i, row in enumerate(rows):
            cells = (row["staff_id"], row["name"], labels.role_name(row["role"]), self.status_text(row))
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not row["active"]:
                    item.setForeground(grey)
                elif j == 3 and row["locked"]:
                    item.setForeground(QColor("#b42318"))
                self.table.setItem(i, j, item)
            if row["staff_id"] == keep:
                self.table.selectRow(i)
        self._selection_changed()
        if saved is not None:
            self.changed.emit()

    def status_text(self, row: dict[str, Any]) -> str:
        if not row["active"]:
            return self.tr("Deactivated")
        if row["locked"]:
            until = (row.get("locked_until") or "")[11:16]
            return self.tr("Locked until %1 (a PIN reset unlocks)").replace("%1", until)
        return self.tr("Active")

    # -- selection --------------------------------------------------------------------------------
    def selected(self) -> dict[str, Any] | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.rows):
            return None
        return self.rows[rows[0].row()]

    def select(self, staff_id: str) -> None:
        for i, row in enumerate(self.rows):
            if row["staff_id"] == staff_id:
                self.table.selectRow(i)

    def _selection_changed(self) -> None:
        row = self.selected()
        manageable = bool(row and row["manageable"])
        self.reset_button.setEnabled(manageable and bool(row and row["active"]))
        self.role_button.setEnabled(manageable and bool(row and row["active"]) and len(self._roles()) > 1)
        self.active_button.setEnabled(manageable and row is not None and row["staff_id"] != self.mctx.actor.staff_id)
        self.active_button.setText(self.tr("Reactivate") if row and not row["active"] else self.tr("Deactivate"))

    def _roles(self) -> list[str]:
        return [r for r in auth.ROLES if staff.manages(self.mctx.actor, r)]

    # -- actions ----------------------------------------------------------------------------------
    def _open(self, dialog: StaffDialog) -> StaffDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.done.connect(self._saved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _saved(self, staff_id: Any) -> None:
        self._after_save = staff_id if isinstance(staff_id, str) else ""
        self.reload()

    def open_add(self) -> StaffDialog:
        return self._open(AddStaffDialog(self.mctx, self))

    def open_reset_pin(self) -> StaffDialog | None:
        row = self.selected()
        return self._open(ResetPinDialog(self.mctx, row, self)) if row else None

    def open_role(self) -> StaffDialog | None:
        row = self.selected()
        return self._open(RoleDialog(self.mctx, row, self)) if row else None

    def toggle_active(self) -> QMessageBox | None:
        row = self.selected()
        if row is None:
            return None
        mctx, staff_id, active = self.mctx, row["staff_id"], not row["active"]

        def apply() -> None:
            self.message.clear()
            self.mctx.runner.run(lambda: staff.set_active(mctx.t, mctx.actor, staff_id, active) or staff_id,
                                 self._saved, self._failed)

        if active:
            apply()
            return None
        box = errors.confirm(self, self.tr("Deactivate"),
                             self.tr("Deactivate %1 (%2)? They can no longer sign in; their history stays.")
                             .replace("%1", row["staff_id"]).replace("%2", row["name"]), apply)
        self.dialog = box
        return box

    # -- language ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels([self.tr("Staff id"), self.tr("Name"), self.tr("Role"),
                                              self.tr("Status")])
        self.add_button.setText(self.tr("Add staff…"))
        self.reset_button.setText(self.tr("Reset PIN…"))
        self.role_button.setText(self.tr("Change role…"))
        self.refresh_button.setText(self.tr("Refresh"))
        if auth.role_at_least(self.mctx.actor.role, "admin"):
            self.note.setText(self.tr("An administrator manages everyone. The last administrator cannot be "
                                      "deactivated or demoted."))
        else:
            self.note.setText(self.tr("A manager manages cashiers; managers and administrators are managed by "
                                      "an administrator."))
        if self.loaded:
            self._loaded(self.rows)
        self._selection_changed()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
