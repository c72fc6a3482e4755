"""Application setup: the QApplication, one instance per data folder (QLockFile), QSettings in the
data folder, rotating logs there, the language and an explicit Simplified Chinese font."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QLockFile, QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from terminal.services.context import Terminal
from ui import i18n
from ui.ops import Runner
from ui.printing import ReceiptPrinter
from ui.style import STYLESHEET
from ui.sync_status import StatusSource, default_source

log = logging.getLogger("pos-ui")

APP_NAME = "pos-terminal"
ORG_NAME = "pos-membership"
# Simplified Chinese first, by name: a font chosen by the system for a zh_CN locale is often a
# Japanese or Traditional face (different glyph shapes) or none at all (boxes).
CJK_FAMILIES = ["Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC",
                "WenQuanYi Micro Hei", "Noto Sans SC", "SimHei"]
FONT_POINT_SIZE = 12


@dataclass
class AppContext:
    """What the main window is built from."""

    data_dir: Path
    terminal: Terminal
    runner: Runner
    settings: QSettings
    status_source: StatusSource
    printer: ReceiptPrinter


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setStyleSheet(STYLESHEET)
    set_font(app)
    return app  # type: ignore[return-value]


def set_font(app: QApplication) -> QFont:
    available = set(QFontDatabase.families())
    families = [f for f in CJK_FAMILIES if f in available]
    if not families:
        log.warning("no Simplified Chinese font found (install fonts-noto-cjk): Chinese may show as boxes")
    font = QFont()
    font.setFamilies(families + ["sans-serif"])
    font.setPointSize(FONT_POINT_SIZE)
    app.setFont(font)
    return font


def settings_for(data_dir: Path) -> QSettings:
    """Settings live beside the data (one till, one folder), not in the user's registry/home."""
    return QSettings(str(Path(data_dir) / "app.ini"), QSettings.Format.IniFormat)


def single_instance(data_dir: Path) -> QLockFile | None:
    """The lock for this data folder, or None when another app already holds it. A lock left by a
    crashed app is stale after 10 s and taken over."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(Path(data_dir) / "app.lock"))
    lock.setStaleLockTime(10_000)
    return lock if lock.tryLock(200) else None


def setup_logging(data_dir: Path) -> Path:
    folder = Path(data_dir) / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "app.log"
    root = logging.getLogger("pos-ui")
    if not any(isinstance(h, RotatingFileHandler) and h.baseFilename == str(path) for h in root.handlers):
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
    return path


def install_excepthook() -> None:
    """A bug in a slot: logged with its trace and a reference; the app keeps running."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        from ui.errors import show_error

        exc.__traceback__ = tb
        show_error(QApplication.activeWindow(), exc)  # logs it with the reference it shows

    sys.excepthook = hook


def language_for(settings: QSettings, requested: str | None = None) -> str:
    import os

    return i18n.normalize(requested or str(settings.value("language", "") or "") or os.environ.get("POS_LANG"))


def make_context(data_dir: Path, terminal: Terminal, settings: QSettings | None = None,
                 status_source: StatusSource | None = None) -> AppContext:
    settings = settings or settings_for(data_dir)
    return AppContext(
        data_dir=Path(data_dir), terminal=terminal, runner=Runner(), settings=settings,
        status_source=status_source or default_source(terminal),
        printer=ReceiptPrinter(settings, Path(data_dir)),
    )
