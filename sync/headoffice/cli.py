"""`pos-headoffice`: serve the API, and the admin commands (same --db or POS_HEADOFFICE_DB; --json
prints one JSON document, errors as {"error": {"code", "message"}} with exit status 1)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from sync.headoffice import admin, enroll
from sync.headoffice.db import Database, default_url, open_db
from sync.headoffice.schema import SchemaTooNew


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS,
                        help="SQLite file or postgresql://... URL (default: $POS_HEADOFFICE_DB or the user data dir)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document")
    p = argparse.ArgumentParser(prog="pos-headoffice", parents=[common],
                                description="Head office for the POS membership terminals.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[common], help="run the sync API (OpenAPI at /docs)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--projector", choices=("process", "thread"), default="process",
                       help="apply pushed events in a process of its own beside the server (default), or in a"
                            " thread of the server's that waits for pushes to pause")
    serve.add_argument("--pull-workers", type=int, default=2, metavar="N",
                       help="processes that build the pull pages a catching-up terminal asks for next"
                            " (default 2; 0: each page is built in its request)")
    serve.add_argument("--push-workers", type=int, default=2, metavar="N",
                       help="processes that read the pushes of tills pushing at once, side by side"
                            " (default 2; 0: each push is read in its request)")
    code = sub.add_parser("enroll-code", parents=[common], help="a one-time enrollment code for a store")
    code.add_argument("--store", required=True, help="store name (created if new)")
    code.add_argument("--ttl", type=int, default=enroll.DEFAULT_TTL_MIN, help="minutes the code is valid")
    terms = sub.add_parser("terminals", parents=[common], help="list or revoke terminals")
    terms.add_argument("action", nargs="?", choices=("list", "revoke"), default="list")
    terms.add_argument("terminal_id", nargs="?")
    rules = sub.add_parser("rules", parents=[common], help="programme rules")
    rules.add_argument("action", choices=("load",))
    rules.add_argument("file", type=Path)
    conf = sub.add_parser("conflicts", parents=[common], help="list conflicts and what each terminal did")
    conf.add_argument("--kind", default=None)
    mem = sub.add_parser("members", parents=[common], help="show a member")
    mem.add_argument("action", choices=("show",))
    mem.add_argument("query", help="member id, phone or last 4 digits")
    return p


def _text(command: str, doc: Any) -> str:
    if command == "enroll-code":
        return f"{doc['code']}\nstore: {doc['store']} ({doc['store_id']})\nvalid until: {doc['expires_at']}"
    if command == "terminals" and isinstance(doc, dict) and "terminals" in doc:
        lines = [f"{t['terminal_id']}  {t['store']}  {t['name'] or '-'}  acked {t['acked_seq']}"
                 f"  {'REVOKED ' + t['revoked_at'] if t['revoked_at'] else 'active'}" for t in doc["terminals"]]
        return "\n".join(lines) or "no terminals"
    if command == "conflicts":
        lines = [f"#{c['id']} {c['kind']} member {c['member_id']} at {c['created_at']}\n  "
                 + json.dumps(c["detail"], ensure_ascii=False) for c in doc["conflicts"]]
        return "\n".join(lines) or "no conflicts"
    return json.dumps(doc, ensure_ascii=False, indent=2)


def _run(args: argparse.Namespace, db: Database) -> Any:
    now = datetime.now(timezone.utc)
    if args.command == "enroll-code":
        try:
            c = enroll.create_code(db, args.store, now, args.ttl)
        except ValueError as exc:
            raise admin.AdminError("input_invalid", str(exc)) from None
        return {"code": c.code, "store": c.store_name, "store_id": c.store_id, "expires_at": c.expires_at.isoformat()}
    if args.command == "terminals":
        if args.action == "revoke":
            if not args.terminal_id:
                raise admin.AdminError("input_invalid", "terminals revoke needs a terminal id")
            return admin.revoke(db, args.terminal_id, now)
        return {"terminals": admin.terminals(db)}
    if args.command == "rules":
        return admin.load_rules(db, args.file)
    if args.command == "conflicts":
        return {"conflicts": admin.conflict_list(db, args.kind)}
    return {"members": admin.member_docs(db, args.query, now)}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    as_json = getattr(args, "json", False)
    url = getattr(args, "db", None) or default_url()
    try:
        db = open_db(url)
    except (SchemaTooNew, OSError, Exception) as exc:  # a database that cannot be opened
        return _fail(as_json, "db_unavailable", f"{url}: {exc}")
    if args.command == "serve":
        import uvicorn

        from sync.headoffice.app import create_app

        print(f"pos-headoffice: {db.backend} database {url if db.backend == 'sqlite' else '(postgresql)'};"
              f" http://{args.host}:{args.port}/docs", file=sys.stderr, flush=True)
        app = create_app(db, projector_process=args.projector == "process", pull_workers=args.pull_workers,
                         push_workers=args.push_workers)
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
        return 0
    try:
        doc = _run(args, db)
    except admin.AdminError as exc:
        return _fail(as_json, exc.code, exc.message)
    finally:
        db.close()
    print(json.dumps(doc, ensure_ascii=False, indent=2) if as_json else _text(args.command, doc))
    return 0


def _fail(as_json: bool, code: str, message: str) -> int:
    if as_json:
        print(json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False))
    else:
        print(f"error: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
