"""The manager's member search: one query field (phone, last 4, name, or a scanned card) and
filters for tier, lifecycle and status; a results table. Enter or a double-click opens the member.

The query field keeps the keyboard focus, so a scan always lands in it: ↑/↓ move through the
results, Enter on an unchanged query opens the member on the current row, Enter on a new query
searches. A card, a full phone or a member id that finds exactly one member opens it at once;
a scan or paste (a whole code arriving at once) searches without waiting for Enter."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QTableView,
    QVBoxLayout, QWidget,
)

from shiboken6 import isValid

from terminal import auth
from terminal.rules import Programme
from terminal.services import member_search
from terminal.services.context import Actor
from ui import errors, labels
from ui.manager.base import ManagerContext

Index = QModelIndex | QPersistentModelIndex
LIMIT = 200
OPEN_AT_ONCE = ("card", "id", "phone")  # queries that name one member
BURST = 8  # characters arriving in one change: a scan or a paste


def store_time(text: str | None, programme: Programme | None, *, time: bool = True) -> str:
    """A stored ISO time as the store's local 'YYYY-MM-DD HH:MM' (or the date alone)."""
    if not text:
        return ""
    moment = datetime.fromisoformat(text)
    if programme is not None:
        moment = moment.astimezone(ZoneInfo(programme.timezone))
    return moment.strftime("%Y-%m-%d %H:%M" if time else "%Y-%m-%d")


def phone_text(actor: Actor, e164: str | None, masked: str | None) -> str:
    """In full for a manager ('138 1234 5678'), masked for anyone else; '' when there is none."""
    if not e164:
        return masked if masked and masked != "***" else ""
    if not auth.role_at_least(actor.role, "manager"):
        return masked or ""
    if e164.startswith("+86") and len(e164) == 14:
        digits = e164[3:]
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return e164


def alive(widget: QObject) -> bool:
    """Still there to show a result (a sign-out may have deleted it while the worker ran)."""
    return isValid(widget)


class ResultsModel(QAbstractTableModel):
    """Search results: phone, name, tier, lifecycle, points, registered, status."""

    COLUMNS = 7
    RIGHT = (4,)

    def __init__(self, mctx: ManagerContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.mctx = mctx
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("Phone"), self.tr("Name"), self.tr("Tier"), self.tr("Lifecycle"), self.tr("Points"),
                self.tr("Registered"), self.tr("Status"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if col in self.RIGHT else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row["member_id"]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if col == 0:
            return phone_text(self.mctx.actor, row.get("phone"), row.get("phone_masked"))
        if col == 1:
            return row.get("name") or self.tr("(no name)")
        if col == 2:
            return labels.tier_name(self.mctx.programme, row["tier"])
        if col == 3:
            return labels.lifecycle_name(row["lifecycle"])
        if col == 4:
            return f"{int(row['points_balance']):,}"
        if col == 5:
            return store_time(row.get("registered_at"), self.mctx.programme, time=False)
        return self.tr("Blacklisted") if row.get("status") == "blacklisted" else self.tr("Active")

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.COLUMNS - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, self.COLUMNS - 1))


class ResultsTable(QTableView):
    """Enter opens the current row (the platform's 'activated' is not the same everywhere)."""

    open_requested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class MemberSearchPanel(QWidget):
    open_requested = Signal(str)  # a member id

    def __init__(self, mctx: ManagerContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberSearch")
        self.mctx = mctx
        self._searched: tuple[Any, ...] | None = None  # what the results on show answer
        self._asked: tuple[Any, ...] | None = None  # the search on the worker (newest wins)
        self._open_single = False
        self._last_text = ""
        self.query = QLineEdit()
        self.query.setObjectName("memberSearchQuery")
        self.query.setClearButtonEnabled(True)
        self.query.setMaxLength(400)
        self.tier = QComboBox()
        self.tier.setObjectName("tierFilter")
        self.lifecycle = QComboBox()
        self.lifecycle.setObjectName("lifecycleFilter")
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.search_button = QPushButton()
        self.new_button = QPushButton()
        self.new_button.setObjectName("stationNewMember")
        self.search_button.setObjectName("memberSearchButton")
        self.search_button.setAutoDefault(False)
        self.info = QLabel()
        self.info.setObjectName("searchInfo")
        self.message = QLabel()
        self.message.setObjectName("memberMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.model = ResultsModel(mctx, self)
        self.table = ResultsTable()
        self.table.setObjectName("memberResults")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(38)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(90)

        row = QHBoxLayout()
        row.addWidget(self.query, 3)
        row.addWidget(self.tier, 1)
        row.addWidget(self.lifecycle, 1)
        row.addWidget(self.status, 1)
        row.addWidget(self.search_button)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.info)
        layout.addWidget(self.table, 1)

        self.query.returnPressed.connect(self._enter)
        self.query.textChanged.connect(self._text_changed)
        self.query.installEventFilter(self)
        self.search_button.clicked.connect(self.search)
        for combo in (self.tier, self.lifecycle, self.status):
            combo.activated.connect(lambda _i: self.search())
        self.table.doubleClicked.connect(self._open_index)
        self.table.open_requested.connect(self._open_index)
        self.retranslate()

    # -- language --------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.query.setPlaceholderText(self.tr("Phone, last 4 digits, name, or scan the card"))
        self.search_button.setText(self.tr("Search (Enter)"))
        self.new_button.setText(self.tr("New member"))
        self._fill(self.tier, [(None, self.tr("All tiers"))]
                   + [(x.id, labels.tier_name(self.mctx.programme, x.id)) for x in self.mctx.programme.tiers])
        self._fill(self.lifecycle, [(None, self.tr("Any lifecycle"))]
                   + [(x, labels.lifecycle_name(x)) for x in member_search.LIFECYCLES])
        self._fill(self.status, [(None, self.tr("Any status")), ("active", self.tr("Active")),
                                 ("blacklisted", self.tr("Blacklisted"))])
        self.model.retranslate()
        self._show_info()

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str | None, str]]) -> None:
        current = combo.currentData()
        combo.clear()
        for value, text in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- keys ------------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.query and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}
            step = steps.get(Qt.Key(event.key()))
            if step is not None and self.model.rows:
                current = self.table.currentIndex().row()
                target = min(len(self.model.rows) - 1, max(0, (current if current >= 0 else -1) + step))
                self.table.selectRow(target)
                return True
        return super().eventFilter(obj, event)

    def focus_query(self) -> None:
        self.query.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query.selectAll()

    def _enter(self) -> None:
        if self._searched == self._key() and self.table.currentIndex().isValid():
            self._open_index(self.table.currentIndex())
        else:
            self.search()

    def _text_changed(self, text: str) -> None:
        grown = len(text) - len(self._last_text)
        self._last_text = text
        if grown < BURST:
            return
        start = text.find("PM1.")
        if start > 0:  # a card scanned into a field that held something: the card is the query
            self.query.setText(text[start:])
        self.search()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.rows[index.row()]["member_id"])

    # -- searching -------------------------------------------------------------------------------
    def _key(self) -> tuple[Any, ...]:
        return (" ".join(self.query.text().split()), self.tier.currentData(), self.lifecycle.currentData(),
                self.status.currentData())

    def search(self) -> None:
        key = self._key()
        self._asked = key
        self._open_single = member_search.query_kind(key[0]) in OPEN_AT_ONCE
        t, actor = self.mctx.t, self.mctx.actor
        text, tier, lifecycle, status = key
        self.info.setText(self.tr("Searching…"))
        self.mctx.runner.run(
            lambda: member_search.search(t, actor, text, tier=tier, lifecycle=lifecycle, status=status, limit=LIMIT),
            lambda rows: self._found(key, rows), lambda exc: self._failed(key, exc))

    @property
    def never_searched(self) -> bool:
        return self._asked is None

    def refresh(self) -> None:
        """Search again for what is on show (after a member changed)."""
        if self._searched is not None:
            self.search()

    def _found(self, key: tuple[Any, ...], rows: list[dict[str, Any]]) -> None:
        if not alive(self) or key != self._asked:
            return  # a newer search is on its way
        self._searched = key
        self.message.hide()
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        self._show_info()
        if self._open_single and len(rows) == 1:
            self._open_single = False
            self.open_requested.emit(rows[0]["member_id"])

    def _failed(self, key: tuple[Any, ...], exc: BaseException) -> None:
        if not alive(self) or key != self._asked:
            return
        self._searched = key
        self.model.set_rows([])
        self.message.setText(errors.message(exc))
        self.message.show()
        self.query.selectAll()
        self._show_info()

    def _show_info(self) -> None:
        if self._searched is None:
            self.info.setText(self.tr("Search by phone, last 4 digits, name or card; or pick filters"))
            return
        n = len(self.model.rows)
        if n == 0:
            self.info.setText(self.tr("No member matches"))
        elif n >= LIMIT:
            self.info.setText(self.tr("Showing the first %1: narrow the search to see others").replace("%1", str(n)))
        else:
            self.info.setText(self.tr("Members found: %1 (Enter or double-click opens one)").replace("%1", str(n)))
