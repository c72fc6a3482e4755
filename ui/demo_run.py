"""`make run`: the cashier's app on a local demo store, synced to an embedded head office.

Sets up the demo terminal (idempotent), starts `pos-headoffice serve` on 127.0.0.1 with its own
SQLite file beside the terminal's data, enrolls the till once, then opens the app. Closing the app
stops the head office. No configuration: everything lives under the given data folder.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

DEMO_PIN = "1234"


def _headoffice(data: Path, port: int) -> tuple[subprocess.Popen[bytes], str]:
    db = data / "headoffice" / "headoffice.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    # one demo till pushes and pulls a handful of events and members: no helper processes for either
    cmd = [sys.executable, "-m", "sync.headoffice.cli", "--db", str(db), "serve", "--port", str(port),
           "--pull-workers", "0", "--push-workers", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(f"{url}/v1/health", timeout=0.5).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"the demo head office did not start on port {port}")


def _enroll_code(data: Path) -> str:
    db = data / "headoffice" / "headoffice.db"
    out = subprocess.run(
        [sys.executable, "-m", "sync.headoffice.cli", "--db", str(db), "--json", "enroll-code", "--store", "演示门店"],
        check=True, capture_output=True, text=True,
    ).stdout
    return str(json.loads(out)["code"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.demo_run")
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--lang", default=None)
    args = p.parse_args(argv)
    from sync.client import SyncClient
    from terminal.services import setup
    from terminal.services.context import open_terminal

    till = args.data_dir / "terminal"
    t = open_terminal(till)
    setup.init(t, store_name="演示门店", admin_pin=DEMO_PIN, demo=True)
    proc, url = _headoffice(args.data_dir, args.port)
    try:
        if t.store.setting("headoffice_url") != url:
            SyncClient(t, url).enroll(_enroll_code(args.data_dir))
        t.store.close()
        print(f"演示门店已就绪：员工号 admin，密码 {DEMO_PIN}；总部 {url}/docs", flush=True)
        from ui.launch import main as app_main

        extra = ["--lang", args.lang] if args.lang else []
        return app_main(till, argv=["--data-dir", str(till), *extra])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    os.environ.setdefault("POS_LANG", "zh_CN")
    sys.exit(main())
