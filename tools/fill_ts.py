"""Developer step: refresh the .ts files from the code and fill in translations from a JSON file.

    python tools/fill_ts.py translations.json

The JSON maps Qt context -> source text -> translation: a string for zh_CN, or for a plural
("%n ...") message {"zh_CN": "...", "en": ["one", "many"]}. Run under `flock` when several people
edit at once: `flock /tmp/pos-ts.lock .venv/bin/python tools/fill_ts.py FILE`.
"""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ui import i18n  # noqa: E402


def fill(ts: Path, lang: str, table: dict[str, dict[str, object]]) -> int:
    tree = ET.parse(ts)
    done = 0
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            source = msg.findtext("source") or ""
            if source not in table.get(name, {}):
                continue
            value = table[name][source]
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            if msg.get("numerus") == "yes":
                forms = value[lang] if isinstance(value, dict) else [value]
                forms = [forms] if isinstance(forms, str) else forms
                for child in list(tr):
                    tr.remove(child)
                tr.text = None
                for form in forms:
                    ET.SubElement(tr, "numerusform").text = form
            elif lang == "zh_CN":
                tr.text = value["zh_CN"] if isinstance(value, dict) else str(value)
            else:
                continue
            tr.attrib.pop("type", None)
            done += 1
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return done


def main(argv: list[str]) -> int:
    table = json.loads(Path(argv[0]).read_text("utf-8")) if argv else {}
    i18n.update_sources()
    for lang in i18n.LANGUAGES:
        print(lang, fill(i18n.TS_DIR / f"{lang}.ts", lang, table), "filled")
    i18n.update_sources()  # lupdate writes the files back in its own layout
    left = i18n.check()
    for name, bad in left.items():
        print(f"{name}: {len(bad)} untranslated: {bad[:20]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
