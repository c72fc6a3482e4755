"""`pos-terminal`: terminal.cli's commands plus the three that talk to head office.

- `enroll URL CODE [--name NAME]` (admin): register this terminal with a one-time code
- `sync [--once] [--interval S]`: push then pull; without --once, keep syncing until interrupted
- `status`: online/offline, events waiting, the last success and the last error

The core (terminal/) imports no HTTP and no `sync`, so these live here and the console script
points at this module; everything else is delegated to terminal.cli unchanged.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import Any

from terminal import cli as core_cli
from terminal.errors import PosError
from terminal.services import replica
from terminal.services.context import Terminal, open_terminal

COMMANDS = ("enroll", "sync", "status")
STATUS_KEYS = ("online", "events_waiting", "last_success", "last_error", "acked_seq", "headoffice_url")


def add_commands(sub: Any) -> None:
    enroll = sub.add_parser("enroll", help="register this terminal with head office (admin)")
    enroll.add_argument("url", help="head office address, e.g. https://ho.example.com")
    enroll.add_argument("code", help="the one-time enrollment code from head office")
    enroll.add_argument("--name", help="how head office lists this terminal (default: the store name)")
    sync = sub.add_parser("sync", help="push events and pull changes (until interrupted, or --once)")
    sync.add_argument("--once", action="store_true", help="push and pull once; exit 1 if unreachable")
    sync.add_argument("--interval", type=float, default=30.0, metavar="SECONDS")
    sub.add_parser("status", help="online/offline, events waiting, last successful sync")


def _status_text(doc: dict[str, Any]) -> str:
    if not doc.get("headoffice_url"):
        return f"未登记总部（单机运行），本地事件 {doc['events_waiting']} 条"
    state = "在线" if doc["online"] else "离线"
    line = f"{state} · 总部 {doc['headoffice_url']} · 待上传 {doc['events_waiting']} 条"
    line += f" · 上次成功同步 {doc['last_success'] or '从未'}"
    if doc.get("last_error"):
        line += f"\n最近错误：{doc['last_error'].get('message') or doc['last_error'].get('code')}"
    return line


def _status(t: Terminal) -> tuple[dict[str, Any], str]:
    if not t.initialized:
        raise PosError("not_initialized")
    full = replica.status(t, t.now())
    doc = {k: full[k] for k in STATUS_KEYS}
    return doc, _status_text(doc)


def _loop(args: argparse.Namespace, t: Terminal) -> tuple[dict[str, Any], str]:
    """Sync until Ctrl-C, one line per status change; the final status is the document."""
    from sync.loop import SyncLoop

    data_dir = args.data_dir or core_cli.default_data_dir()

    def show(status: dict[str, Any]) -> None:
        if not args.json:
            print(_status_text({k: status[k] for k in STATUS_KEYS}), flush=True)

    # Ctrl-C and a service manager's SIGTERM both end the loop cleanly. Installed explicitly: a
    # process started with SIGINT ignored (nohup, some supervisors) would otherwise never stop on it.
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    loop = SyncLoop(lambda: open_terminal(data_dir), interval=args.interval, on_status=show)
    loop.start()
    try:
        while loop.running and not stop.wait(0.5):
            pass
    finally:
        loop.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return _status(t)


def run(args: argparse.Namespace, t: Terminal) -> tuple[Any, str]:
    cmd = args.command
    if cmd not in COMMANDS:
        return core_cli.run(args, t)
    from sync.client import SyncClient

    if cmd == "status":
        return _status(t)
    if cmd == "enroll":
        core_cli.signed_in(t, args)
        doc = SyncClient(t, args.url.rstrip("/")).enroll(args.code, args.name)
        return doc, (f"已登记到总部 {doc['headoffice_url']}：门店 {doc['store_name']}，"
                     f"会员规则 {doc['rules_version']}")
    if not t.initialized:
        raise PosError("not_initialized")
    if t.store.setting("headoffice_url") is None:
        raise PosError("not_enrolled")
    if args.interval < 1:
        raise PosError("input_invalid", detail="--interval is at least 1 second")
    if args.once:
        r = SyncClient(t).sync_once()
        doc = {"pushed": r["pushed"], "pulled": r["pulled"], **{k: r[k] for k in STATUS_KEYS}}
        return doc, (f"已同步：上传 {r['pushed']} 条，下载 {r['pulled']} 项变更，"
                     f"待上传 {r['events_waiting']} 条")
    return _loop(args, t)


def main(argv: list[str] | None = None) -> int:
    return core_cli.main(argv, extend=add_commands, runner=run)


if __name__ == "__main__":
    sys.exit(main())
