"""Languages: Qt Linguist .ts sources here, compiled to .qm by pyside6-lrelease (at build time by
`python -m ui.i18n`, or on first use when a .qm is missing or older than its .ts).

Source strings in the code are English; zh_CN.ts translates them all. en.ts holds only the plural
forms (lupdate -pluralonly), the Qt way for the source language. A build with an unfinished or
empty translation fails (`check`), and so does a test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

TS_DIR = Path(__file__).resolve().parent
LANGUAGES = ("zh_CN", "en")
LANGUAGE_NAMES = {"zh_CN": "中文（简体）", "en": "English"}
DEFAULT = "zh_CN"

_current = DEFAULT
_installed: list[QTranslator] = []


def current() -> str:
    """'zh_CN' or 'en': the language the UI shows now."""
    return _current


def error_lang() -> str:
    """The language code terminal.errors.PosError.message takes."""
    return "en" if _current == "en" else "zh"


def normalize(lang: str | None) -> str:
    if not lang:
        return DEFAULT
    return "en" if lang.lower().startswith("en") else "zh_CN"


def _tool(name: str) -> str:
    """pyside6-lrelease / pyside6-lupdate next to this Python, else on PATH."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    if here.exists():
        return str(here)
    found = shutil.which(f"pyside6-{name}")
    if found:
        return found
    import PySide6

    return str(Path(PySide6.__file__).parent / name)


def unfinished(ts: Path) -> list[str]:
    """Source texts in `ts` that are unfinished, empty, obsolete or vanished."""
    bad = []
    for msg in ET.parse(ts).getroot().iter("message"):
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        if tr is None or tr.get("type") in {"unfinished", "obsolete", "vanished"}:
            bad.append(source)
            continue
        forms = tr.findall("numerusform")
        texts = [f.text or "" for f in forms] if msg.get("numerus") == "yes" else [tr.text or ""]
        if not texts or any(not t.strip() for t in texts):
            bad.append(source)
    return bad


def check() -> dict[str, list[str]]:
    """{ts file name: untranslated source texts} for every .ts with any."""
    return {ts.name: bad for ts in sorted(TS_DIR.glob("*.ts")) if (bad := unfinished(ts))}


def build(out_dir: Path | None = None, *, strict: bool = True) -> list[Path]:
    """Compile every .ts to .qm (in `out_dir`, default beside the .ts). Strict: refuse unfinished."""
    if strict and (bad := check()):
        raise RuntimeError(f"untranslated strings: {bad}")
    out_dir = out_dir or TS_DIR
    out = []
    for ts in sorted(TS_DIR.glob("*.ts")):
        qm = out_dir / (ts.stem + ".qm")
        subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True,
                       capture_output=True, timeout=120)
        out.append(qm)
    return out


def qm_file(lang: str) -> Path | None:
    """The compiled catalogue for `lang`, built now if missing or stale (None if it cannot be)."""
    ts = TS_DIR / f"{lang}.ts"
    if not ts.exists():
        return None
    for folder in (TS_DIR, Path(tempfile.gettempdir()) / f"pos-terminal-i18n-{os.getuid() if hasattr(os, 'getuid') else 0}"):
        qm = folder / f"{lang}.qm"
        if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
            return qm
        try:
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([_tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True,
                           capture_output=True, timeout=120)
            return qm
        except (OSError, subprocess.SubprocessError):
            continue
    return None


def install(lang: str) -> str:
    """Switch the application's language (ours and Qt's own dialogs); widgets get LanguageChange."""
    global _current
    lang = normalize(lang)
    app = QCoreApplication.instance()
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if lang == "zh_CN":
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        qt = QTranslator(app)
        if qt.load("qtbase_zh_CN", qt_dir):
            app.installTranslator(qt)
            _installed.append(qt)
    else:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    ours = QTranslator(app)
    qm = qm_file(lang)
    if qm is not None and ours.load(str(qm)):
        app.installTranslator(ours)
        _installed.append(ours)
    _current = lang
    return lang


def update_sources() -> None:
    """Developer step: refresh the .ts files from the code (then translate what is unfinished)."""
    sources = [str(p) for p in sorted(TS_DIR.parent.rglob("*.py")) if "i18n" not in p.parts]
    common = [_tool("lupdate"), "-no-obsolete", "-source-language", "en", *sources]
    subprocess.run([*common, "-target-language", "zh_CN", "-ts", str(TS_DIR / "zh_CN.ts")], check=True)
    subprocess.run([*common, "-target-language", "en", "-pluralonly", "-ts", str(TS_DIR / "en.ts")], check=True)
