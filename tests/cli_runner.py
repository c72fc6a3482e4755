"""One way to drive a `pos-terminal` main in-process for tests: `--data-dir TMP --json ...`,
returning (exit code, JSON document or text, stderr), on a till set up with admin PIN 1234."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cli_runner(main: Callable[[list[str]], int], data: Path, monkeypatch: Any, capsys: Any) -> Any:
    monkeypatch.setenv("POS_PIN", "1234")

    def run(*args: str, staff: str | None = None, json_out: bool = True):
        who = ["--staff", staff] if staff else []
        code = main(["--data-dir", str(data), *(["--json"] if json_out else []), *who, *args])
        out, err = capsys.readouterr()
        doc = json.loads(out) if json_out and out.strip() else out
        return code, doc, err

    run.data = data
    assert run("init", "--admin-pin", "1234", "--store-name", "朝阳店")[0] == 0
    return run
