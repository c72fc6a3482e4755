"""The member card: issue one, or replace it (the old card is revoked: said before confirming),
see the QR, print it (the card printer from the settings, else a PDF in DATA/cards/) or save it
as a PDF or PNG file. A valid card can be printed again without replacing it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from terminal.services import card_service
from ui import errors
from ui.manager import card_print
from ui.manager.action_parts import member_header
from ui.manager.base import ActionDialog, ManagerContext

PREVIEW_WIDTH = 420


@dataclass(frozen=True)
class CardState:
    card: dict[str, Any] | None  # the valid card (card_id, payload, issued_at) or None
    store_name: str
    data_dir: Path


def _state(mctx: ManagerContext, member_id: str) -> CardState:
    t = mctx.t
    return CardState(card_service.current(t, member_id), t.store_name, t.data_dir)


def _issue(mctx: ManagerContext, member_id: str) -> tuple[card_service.CardIssued, CardState]:
    issued = card_service.issue(mctx.t, mctx.actor, member_id)
    return issued, _state(mctx, member_id)


class CardDialog(ActionDialog):
    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(mctx, member, parent)
        self.setObjectName("cardDialog")
        self.setWindowTitle(self.tr("Member card"))
        self.state: CardState | None = None
        self.issued: card_service.CardIssued | None = None
        self.last_printed: card_print.Printed | None = None

        self.status = QLabel(self.tr("Looking up the member's card…"))
        self.status.setObjectName("cardStatus")
        self.status.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setObjectName("cardPreview")
        self.preview.setFrameShape(QFrame.Shape.Box)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(PREVIEW_WIDTH + 4, round(PREVIEW_WIDTH * card_print.CARD_PX[1] / card_print.CARD_PX[0]) + 4)
        self.preview.setStyleSheet("#cardPreview { background: white; color: #8a8f98; }")
        self.printer = QComboBox()
        self.printer.setObjectName("cardPrinter")
        self._fill_printers()
        self.printed = QLabel()
        self.printed.setObjectName("cardPrinted")
        self.printed.setWordWrap(True)
        self.printed.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.issue_button = QPushButton(self.tr("Issue card"))
        self.issue_button.setObjectName("cardIssue")
        self.issue_button.setEnabled(False)
        self.print_button = QPushButton(self.tr("Print card"))
        self.print_button.setObjectName("cardPrint")
        self.print_button.setEnabled(False)
        self.save_button = QPushButton(self.tr("Save as PDF or PNG…"))
        self.save_button.setObjectName("cardSave")
        self.save_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Close (Esc)"))
        self.close_button.setAutoDefault(False)
        for b in (self.issue_button, self.print_button, self.save_button):
            b.setAutoDefault(True)

        printer_row = QFormLayout()
        printer_row.addRow(self.tr("Card printer"), self.printer)
        actions = QHBoxLayout()
        actions.addWidget(self.print_button, 2)
        actions.addWidget(self.save_button, 2)
        bottom = QHBoxLayout()
        bottom.addWidget(self.close_button, 1)
        bottom.addWidget(self.issue_button, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(member_header(mctx.programme, member))
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addLayout(printer_row)
        layout.addLayout(actions)
        layout.addWidget(self.printed)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(bottom)

        self.issue_button.clicked.connect(self.issue)
        self.print_button.clicked.connect(self.print_card)
        self.save_button.clicked.connect(self.choose_file)
        self.close_button.clicked.connect(self.reject)
        self.printer.currentIndexChanged.connect(self._printer_chosen)
        self.setMinimumWidth(PREVIEW_WIDTH + 120)
        self.resize(PREVIEW_WIDTH + 160, 720)
        self.call(lambda: _state(mctx, member["member_id"]), self._loaded)

    # -- state ------------------------------------------------------------------------------------
    @property
    def payload(self) -> str | None:
        if self.issued is not None:
            return self.issued.payload
        card = self.state.card if self.state else None
        return card["payload"] if card else None

    @property
    def card_id(self) -> str | None:
        if self.issued is not None:
            return self.issued.card_id
        card = self.state.card if self.state else None
        return card["card_id"] if card else None

    def face(self) -> card_print.CardFace | None:
        if self.payload is None or self.state is None:
            return None
        return card_print.CardFace(self.payload, self.state.store_name, self.member.get("phone_masked") or "",
                                   self.member.get("tier_name") or "")

    def _loaded(self, state: CardState) -> None:
        self.state = state
        if state.card is None:
            self.status.setText(self.tr("This member has no card yet."))
            self.issue_button.setText(self.tr("Issue card"))
        else:
            self.status.setText(self.tr(
                "Current card issued %1. Replacing it revokes it: the old card is refused at the checkout "
                "from then on. To print the current card again, use Print.").replace(
                    "%1", state.card["issued_at"][:16].replace("T", " ")))
            self.issue_button.setText(self.tr("Revoke the old card and issue a new one"))
        self.issue_button.setEnabled(True)
        self._show_card()
        (self.print_button if state.card else self.issue_button).setFocus()

    def _show_card(self) -> None:
        face = self.face()
        has = face is not None
        self.print_button.setEnabled(has)
        self.save_button.setEnabled(has)
        if face is not None:
            self.preview.setPixmap(QPixmap.fromImage(card_print.card_image(face, PREVIEW_WIDTH)))
        else:
            self.preview.setText(self.tr("No card yet"))

    # -- the card printer (QSettings cards/printer; empty: a PDF in the data folder) -------------
    def _fill_printers(self) -> None:
        from PySide6.QtPrintSupport import QPrinterInfo

        chosen = card_print.CardPrinter(self.mctx.settings, Path()).printer_name
        self.printer.blockSignals(True)
        self.printer.addItem(self.tr("None: save a PDF in the data folder"), "")
        names = list(QPrinterInfo.availablePrinterNames())
        for name in names:
            self.printer.addItem(name, name)
        if chosen and chosen not in names:
            self.printer.addItem(self.tr("%1 (not found)").replace("%1", chosen), chosen)
        self.printer.setCurrentIndex(max(0, self.printer.findData(chosen)))
        self.printer.blockSignals(False)

    def _printer_chosen(self) -> None:
        if self.mctx.settings is not None:
            self.mctx.settings.setValue("cards/printer", self.printer.currentData() or "")
            self.mctx.settings.sync()

    # -- actions ----------------------------------------------------------------------------------
    def issue(self) -> None:
        if not self.issue_button.isEnabled():
            return
        self.printed.clear()
        self.call(lambda: _issue(self.mctx, self.member["member_id"]), self._issued)

    def _issued(self, result: tuple[card_service.CardIssued, CardState]) -> None:
        self.issued, self.state = result
        text = self.tr("Card issued.")
        if self.issued.revoked:
            text += " " + self.tr("The old card is revoked: it is refused at the checkout.")
        self.status.setText(text)
        self.issue_button.setText(self.tr("Revoke this card and issue a new one"))
        self._show_card()
        self.print_button.setDefault(True)
        self.print_button.setFocus()
        self.done.emit(self.issued)

    def print_card(self) -> None:
        face, card_id = self.face(), self.card_id
        if face is None or card_id is None or self.state is None:
            return
        self.message.clear()
        printer = card_print.CardPrinter(self.mctx.settings, self.state.data_dir)
        try:
            self.last_printed = printer.print(face, card_id)
        except Exception as exc:  # a printer problem: the card is issued, print again later
            self.message.setText(errors.message(exc))
            return
        if self.last_printed.to_file:
            self.printed.setText(self.tr("No card printer is chosen, so the card was saved as a PDF: %1").replace(
                "%1", self.last_printed.where))
        else:
            self.printed.setText(self.tr("Sent to the printer %1").replace("%1", self.last_printed.where))

    def choose_file(self) -> None:
        if self.state is None or self.card_id is None:
            return
        start = str(self.state.data_dir / "cards" / f"card-{self.card_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the card"), start, "PDF (*.pdf);;PNG (*.png)")
        if path:
            self.save_to(path)

    def save_to(self, path: str | Path) -> Path | None:
        face = self.face()
        if face is None:
            return None
        self.message.clear()
        try:
            written = card_print.write_file(face, path)
        except Exception as exc:
            self.message.setText(errors.message(exc))
            return None
        self.printed.setText(self.tr("Saved: %1").replace("%1", str(written)))
        return written
