"""`python -m ui.i18n [--check|--update]`: build the .qm files (fails on untranslated strings)."""

from __future__ import annotations

import sys

from ui import i18n


def main(argv: list[str]) -> int:
    if "--update" in argv:
        i18n.update_sources()
    bad = i18n.check()
    if bad:
        for name, texts in bad.items():
            print(f"{name}: {len(texts)} untranslated: {texts[:10]}", file=sys.stderr)
        return 1
    if "--check" not in argv:
        for qm in i18n.build():
            print(f"built {qm}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
