"""Starting the app: `python -m ui [--data-dir DIR] [--lang zh_CN|en] [--staff ID]`, or
`ui.launch.main(data_dir)` from the `pos-terminal` entry point when no subcommand is given.

--staff with env POS_PIN signs in straight away (as the CLI does; for kiosks and the benchmark).
--exit-when-ready prints 'ready <seconds since process start>' and quits once the checkout screen
is up (the benchmark and a smoke test use it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sync.loop import SyncLoop
    from terminal.services.context import Terminal

_STARTED = time.perf_counter()


def _start_sync(folder: Path, t: "Terminal") -> "SyncLoop | None":
    """Background sync when this till is enrolled; the status bar reads what it records."""
    if t.store.setting("headoffice_url") is None:
        return None
    from sync.loop import SyncLoop
    from terminal.services.context import open_terminal

    loop = SyncLoop(lambda: open_terminal(folder), interval=15.0)
    loop.start()
    return loop


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="pos-terminal", description="The cashier's checkout app")
    p.add_argument("--data-dir", type=Path, default=None, help="data folder (env POS_DATA_DIR)")
    p.add_argument("--lang", default=None, help="zh_CN or en (default: the settings, then POS_LANG)")
    p.add_argument("--staff", default=None, help="sign in as this staff id with the PIN in env POS_PIN")
    p.add_argument("--exit-when-ready", action="store_true", help=argparse.SUPPRESS)
    args, _unknown = p.parse_known_args(argv)  # the CLI's global options (--json ...) are not ours
    return args


def main(data_dir: Path | str | None = None, argv: list[str] | None = None) -> int:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    from terminal.cli import default_data_dir

    folder = Path(data_dir or args.data_dir or default_data_dir())

    from PySide6.QtWidgets import QMessageBox

    from ui import app as qtapp, errors, i18n
    from ui.errors import UiError

    application = qtapp.create_app()
    log_path = qtapp.setup_logging(folder)
    settings = qtapp.settings_for(folder)
    i18n.install(qtapp.language_for(settings, args.lang))
    lock = qtapp.single_instance(folder)
    if lock is None:
        QMessageBox.warning(None, "pos-terminal", errors.message(UiError("already_running")))
        return 1

    from terminal.errors import PosError
    from terminal.services.context import open_terminal

    try:
        t = open_terminal(folder)
        if not t.initialized:
            raise UiError("not_set_up")
    except (PosError, UiError) as exc:
        QMessageBox.critical(None, "pos-terminal", errors.message(exc))
        lock.unlock()
        return 2

    from ui.main_window import MainWindow

    qtapp.install_excepthook()
    ctx = qtapp.make_context(folder, t, settings)
    window = MainWindow(ctx)
    if args.exit_when_ready:
        def ready() -> None:
            print(f"ready {time.perf_counter() - _STARTED:.3f}", flush=True)
            window.close()
        window.ready.connect(ready)
    window.show()
    loop = _start_sync(folder, t)
    staff_id = args.staff
    pin = os.environ.get("POS_PIN")
    if staff_id and pin:
        window.signin.staff.setText(staff_id)
        window.signin.pin.setText(pin)
        window.signin.submit()
    try:
        return application.exec()
    finally:
        if loop is not None:
            loop.stop()
        ctx.runner.wait()
        t.store.close()
        lock.unlock()
        import logging

        logging.getLogger("pos-ui").info("closed; log at %s", log_path)
