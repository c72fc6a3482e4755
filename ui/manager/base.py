"""What every manager screen shares: the context it works in and a dialog that runs one service
call off the GUI thread and shows a known error inline, in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from shiboken6 import isValid

from terminal.rules import Programme
from terminal.services.context import Actor, Terminal
from ui import errors
from ui.ops import Runner


@dataclass
class ManagerContext:
    t: Terminal
    runner: Runner
    actor: Actor
    programme: Programme
    settings: QSettings | None = None


class ActionDialog(QDialog):
    """A dialog for one action on one member. `done` carries the service's result after success;
    the member page then reloads. Errors stay in the dialog (`message`), nothing is changed."""

    done = Signal(object)

    def __init__(self, mctx: ManagerContext, member: dict[str, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mctx, self.member = mctx, member
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")

    def call(self, fn: Callable[[], Any], on_ok: Callable[[Any], None] | None = None) -> None:
        """Run `fn` on the worker; on success `on_ok(result)` (default: emit done and close). The
        dialog is disabled meanwhile; the keyboard focus goes back where it was afterwards. A result
        arriving after the dialog was closed and deleted is dropped."""
        self.message.clear()
        focus = QApplication.focusWidget()
        back_to = focus if focus is not None and self.isAncestorOf(focus) else None
        self.setEnabled(False)

        def enable() -> bool:
            if not isValid(self):
                return False
            self.setEnabled(True)
            if back_to is not None and isValid(back_to):
                back_to.setFocus()
            return True

        def ok(result: Any) -> None:
            if not enable():
                return
            if on_ok is not None:
                on_ok(result)
            else:
                self.done.emit(result)
                self.accept()

        def failed(exc: BaseException) -> None:
            if enable():
                self.message.setText(errors.message(exc))

        self.mctx.runner.run(fn, ok, failed)
