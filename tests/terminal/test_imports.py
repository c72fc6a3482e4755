"""The core stays pure: every terminal module imports with PySide6, requests and sync made unimportable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import terminal

BLOCKER = """
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in {'PySide6', 'requests', 'sync', 'ui', 'fastapi', 'uvicorn'}:
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
print('ok', len(sys.argv) - 1)
"""


def test_terminal_imports_without_qt_or_http():
    names = [m.name for m in pkgutil.walk_packages(terminal.__path__, "terminal.")]
    assert "terminal.services.checkout" in names and "terminal.cli" in names
    result = subprocess.run([sys.executable, "-c", BLOCKER, *names], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(names)}"


def test_the_blocker_really_blocks():
    result = subprocess.run([sys.executable, "-c", BLOCKER, "requests"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "blocked: requests" in result.stderr
