"""Languages: every string in the .ts files is translated, the .ts files hold every string in the
code, the .qm files build, and switching the language retranslates the open screen."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

from PySide6.QtCore import QCoreApplication

from ui import i18n


def test_no_unfinished_or_untranslated_strings():
    assert set(i18n.LANGUAGES) <= {p.stem for p in i18n.TS_DIR.glob("*.ts")}
    assert i18n.check() == {}


def test_the_ts_files_hold_every_string_in_the_code(tmp_path):
    """lupdate over the sources into a copy finds nothing new: no string shows untranslated."""
    copy = tmp_path / "zh_CN.ts"
    shutil.copy(i18n.TS_DIR / "zh_CN.ts", copy)
    sources = [str(p) for p in sorted(i18n.TS_DIR.parent.rglob("*.py")) if "i18n" not in p.parts]
    subprocess.run([i18n._tool("lupdate"), "-no-obsolete", *sources, "-ts", str(copy)], check=True,
                   capture_output=True, timeout=120)
    new = [m.findtext("source") for m in ET.parse(copy).getroot().iter("message")
           if (m.find("translation").get("type") or "") == "unfinished"]
    assert new == [], f"run `python -m ui.i18n --update` and translate: {new}"


def test_qm_build_and_translate(tmp_path, qapp):
    built = i18n.build(tmp_path)
    assert {p.name for p in built} == {"zh_CN.qm", "en.qm"} and all(p.stat().st_size > 0 for p in built)
    i18n.install("zh_CN")
    assert QCoreApplication.translate("QuotePanel", "Pay (F12)") == "收款 (F12)"
    assert QCoreApplication.translate("Counts", "%n day(s) ago", "", 3) == "3 天前"
    i18n.install("en")
    assert QCoreApplication.translate("Counts", "%n day(s) ago", "", 1) == "1 day ago"
    assert QCoreApplication.translate("Counts", "%n day(s) ago", "", 3) == "3 days ago"
    i18n.install("zh_CN")


def test_switching_language_retranslates_the_open_screen(qtbot, signed_in):
    w = signed_in
    assert w.page.quote.pay_button.text() == "收款 (F12)"
    w.set_language("en")
    qtbot.waitUntil(lambda: w.page.quote.pay_button.text() == "Pay (F12)")
    assert w.page.buttons["member"].text() == "F1 Member"
    assert w.ctx.settings.value("language") == "en"
    w.set_language("zh_CN")
    qtbot.waitUntil(lambda: w.page.quote.pay_button.text() == "收款 (F12)")
