"""The app shell: one instance per data folder, settings and logs in the data folder, a bug shown
as an apology with a reference that is in the log, and the real process starting to a ready
checkout screen."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from PySide6.QtWidgets import QMessageBox

from terminal.errors import PosError
from ui import app as qtapp, errors

ROOT = Path(__file__).resolve().parents[2]


def test_single_instance_per_data_folder(tmp_path):
    first = qtapp.single_instance(tmp_path)
    assert first is not None
    assert qtapp.single_instance(tmp_path) is None
    first.unlock()
    again = qtapp.single_instance(tmp_path)
    assert again is not None
    again.unlock()


def test_settings_and_logs_live_in_the_data_folder(tmp_path, qapp):
    settings = qtapp.settings_for(tmp_path)
    settings.setValue("language", "en")
    settings.sync()
    assert (tmp_path / "app.ini").exists()
    assert qtapp.language_for(qtapp.settings_for(tmp_path)) == "en"
    assert qtapp.language_for(settings, "zh_CN") == "zh_CN"
    log = qtapp.setup_logging(tmp_path)
    assert log == tmp_path / "logs" / "app.log"


def test_known_errors_in_the_users_language_and_bugs_with_a_reference(tmp_path, qtbot, qapp):
    from ui import i18n

    i18n.install("en")
    assert errors.message(PosError("card_revoked")) == "This member card has been revoked; use the new card"
    i18n.install("zh_CN")
    assert errors.message(PosError("card_revoked")) == "会员卡已挂失/作废，请使用新卡"
    log = qtapp.setup_logging(tmp_path)
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        box = errors.show_error(None, exc)
    assert isinstance(box, QMessageBox) and "参考号" in box.text()
    ref = box.text().split("参考号 ")[1].split("）")[0]
    for handler in logging.getLogger("pos-ui").handlers:
        handler.flush()
    text = log.read_text(encoding="utf-8")
    assert ref in text and "RuntimeError: boom" in text
    box.close()


def test_window_state_is_kept(qtbot, window, ctx):
    window.resize(1100, 760)
    window.close()
    assert ctx.settings.value("window/geometry") is not None


@pytest.mark.parametrize("command", [[sys.executable, "-m", "ui"], [str(Path(sys.executable).parent / "pos-terminal")]],
                         ids=["python -m ui", "pos-terminal with no subcommand"])
def test_the_app_process_starts_to_a_ready_checkout(term, data_dir, command):
    term.store.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "POS_PIN": "1234", "POS_PIN_HASH_FAST": "1"}
    out = subprocess.run([*command, "--data-dir", str(data_dir), "--staff", "admin",
                          "--exit-when-ready"], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ready ")
    assert (data_dir / "logs" / "app.log").exists() and (data_dir / "app.ini").exists()
