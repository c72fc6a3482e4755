"""The cart panel: add lines by category and amount (or a product code), change quantities,
remove lines. The lines live in the session; a table model shows them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSpinBox,
    QTableView, QVBoxLayout, QWidget,
)

from terminal.errors import PosError
from terminal.money import parse_fen
from terminal.pricing import MAX_QTY
from ui import errors, labels
from ui.calls import Line
from ui.scanner import scan_field

Index = QModelIndex | QPersistentModelIndex


class CartModel(QAbstractTableModel):
    """The session's lines as a table: #, item, qty, unit price, amount."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.lines: list[Line] = []

    def set_lines(self, lines: list[Line]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return [self.tr("#"), self.tr("Item"), self.tr("Qty"), self.tr("Unit price"), self.tr("Amount")][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line = self.lines[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() in (0, 2, 3, 4):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = index.column()
        if col == 0:
            return str(index.row() + 1)
        if col == 1:
            category = labels.category_name(line.category)
            return f"{line.name} · {category}" if line.name else category
        if col == 2:
            return str(line.qty)
        if col == 3:
            return labels.money(line.unit_price_fen)
        return labels.money(line.unit_price_fen * line.qty)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 4)
        if self.lines:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.lines) - 1, 4))


class CartTable(QTableView):
    """+ and - change the selected line's quantity (keys, not shortcuts: a scanner's '-' must reach
    the scan filter)."""

    qty_step = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.text() == "+":
            self.qty_step.emit(1)
        elif event.text() == "-":
            self.qty_step.emit(-1)
        else:
            super().keyPressEvent(event)


class CartPanel(QWidget):
    add_requested = Signal(object)  # a Line
    product_requested = Signal(str)  # a product code
    remove_requested = Signal(int)
    qty_requested = Signal(int, int)  # row, new qty

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.categories: tuple[str, ...] = ()
        self.category = QComboBox()
        self.category.setObjectName("category")
        self.amount = scan_field(QLineEdit())
        self.amount.setObjectName("amount")
        self.qty = QSpinBox()
        self.qty.setRange(1, MAX_QTY)
        self.add_button = QPushButton()
        self.code = scan_field(QLineEdit())
        self.code.setObjectName("productCode")
        self.code_button = QPushButton()
        self.model = CartModel(self)
        self.table = CartTable()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setMinimumHeight(4 * 40 + 36)  # four lines in sight at least (800 px high screens)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.plus_button = QPushButton()
        self.minus_button = QPushButton()
        self.remove_button = QPushButton()
        self.message = QLabel()
        self.message.setObjectName("problem")
        self.message.setWordWrap(True)
        self.amount_label = QLabel()
        self.qty_label = QLabel()
        self.code_label = QLabel()

        entry = QHBoxLayout()
        entry.addWidget(self.category, 2)
        entry.addWidget(self.amount_label)
        entry.addWidget(self.amount, 3)
        entry.addWidget(self.qty_label)
        entry.addWidget(self.qty)
        entry.addWidget(self.add_button)
        codes = QHBoxLayout()
        codes.addWidget(self.code_label)
        codes.addWidget(self.code, 1)
        codes.addWidget(self.code_button)
        edits = QHBoxLayout()
        edits.addWidget(self.plus_button)
        edits.addWidget(self.minus_button)
        edits.addWidget(self.remove_button)
        edits.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(entry)
        layout.addLayout(codes)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(edits)

        self.amount.installEventFilter(self)
        self.amount.returnPressed.connect(self._add)
        self.add_button.clicked.connect(self._add)
        self.code.returnPressed.connect(self._code)
        self.code_button.clicked.connect(self._code)
        self.plus_button.clicked.connect(lambda: self._step(1))
        self.minus_button.clicked.connect(lambda: self._step(-1))
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.qty_step.connect(self._step)
        self.retranslate()

    def eventFilter(self, obj: Any, event: QEvent) -> bool:  # noqa: N802
        """Up/Down in the amount field change the category: the hands stay on the keys."""
        if obj is self.amount and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.category.count():
                step = -1 if key == Qt.Key.Key_Up else 1
                self.category.setCurrentIndex((self.category.currentIndex() + step) % self.category.count())
                return True
        return super().eventFilter(obj, event)

    def retranslate(self) -> None:
        self.amount.setPlaceholderText(self.tr("12.50  (↑↓ category)"))
        self.amount_label.setText(self.tr("Amount"))
        self.qty_label.setText(self.tr("Qty"))
        self.add_button.setText(self.tr("Add line (F2, Enter)"))
        self.code_label.setText(self.tr("Product code"))
        self.code.setPlaceholderText(self.tr("Type or scan a product code (F5)"))
        self.code_button.setText(self.tr("Add product"))
        self.plus_button.setText(self.tr("Qty + (+)"))
        self.minus_button.setText(self.tr("Qty − (-)"))
        self.remove_button.setText(self.tr("Remove line (Del)"))
        self.model.retranslate()
        self._fill_categories()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_categories(self, categories: tuple[str, ...]) -> None:
        self.categories = categories
        self._fill_categories()

    def _fill_categories(self) -> None:
        current = self.category.currentData()
        self.category.clear()
        for c in self.categories:
            self.category.addItem(labels.category_name(c), c)
        if current is not None and current in self.categories:
            self.category.setCurrentIndex(self.categories.index(current))

    def focus_amount(self) -> None:
        self.amount.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.amount.selectAll()

    def focus_code(self) -> None:
        self.code.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.code.selectAll()

    def show_lines(self, lines: list[Line]) -> None:
        row = self.selected_row()
        grew = len(lines) > len(self.model.lines)
        self.model.set_lines(lines)
        if lines:  # a new line is selected (what + and - then change); else the same row as before
            self.table.selectRow(len(lines) - 1 if grew or row < 0 else min(row, len(lines) - 1))
        self.remove_button.setEnabled(bool(lines))
        self.plus_button.setEnabled(bool(lines))
        self.minus_button.setEnabled(bool(lines))

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return rows[0].row() if rows else -1

    def remove_selected(self) -> None:
        row = self.selected_row()
        if row < 0 and self.model.lines:
            row = len(self.model.lines) - 1
        if row >= 0:
            self.remove_requested.emit(row)

    def _step(self, delta: int) -> None:
        row = self.selected_row()
        if row < 0:
            return
        qty = self.model.lines[row].qty + delta
        if 1 <= qty <= MAX_QTY:
            self.qty_requested.emit(row, qty)

    def _add(self) -> None:
        text = self.amount.text().strip()
        if not text:
            return
        try:
            fen = parse_fen(text, allow_zero=False)
        except PosError as exc:
            self.message.setText(errors.message(exc))
            self.amount.selectAll()
            return
        category = self.category.currentData()
        if category is None:
            return
        self.message.clear()
        self.add_requested.emit(Line(category, fen, self.qty.value()))
        self.amount.clear()
        self.qty.setValue(1)
        self.amount.setFocus()

    def _code(self) -> None:
        code = self.code.text().strip()
        if code:
            self.message.clear()
            self.product_requested.emit(code)
            self.code.clear()

    def show_error(self, exc: BaseException) -> None:
        self.message.setText(errors.message(exc))
