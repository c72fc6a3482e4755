"""GUI tests: real widgets, offscreen, driven by keys as a cashier would; waits on signals and
conditions (qtbot.waitUntil / waitSignal), never on sleep."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from ui_helpers import sign_in  # noqa: E402


@pytest.fixture
def data_dir(term) -> Path:
    return Path(term.store.conn.execute("PRAGMA database_list").fetchone()[2]).parent


@pytest.fixture
def ctx(term, data_dir, qapp):
    from ui import app as qtapp, i18n

    qtapp.create_app()
    i18n.install("zh_CN")
    context = qtapp.make_context(data_dir, term)
    yield context
    context.runner.wait()
    QApplication.processEvents()


@pytest.fixture
def window(qtbot, ctx):
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitExposed(w)
    yield w
    for child in w.findChildren(QWidget):
        if child.isWindow() and child.isVisible():
            child.close()
    w.close()
    ctx.runner.wait()
    QApplication.processEvents()


@pytest.fixture
def signed_in(qtbot, window):
    sign_in(qtbot, window)
    return window
