"""A deliberately broken head office, for proving the sync property test can fail (never shipped):
`python tests/sync/broken_headoffice.py --broken MODE --db URL --port N` serves the real app with
its push wrapped (after the signature check, so requests still authenticate):

- own_ids        head office assigns its own event ids instead of keeping the terminal's
- refuse_resend  a resent batch (starting at or below the acked seq) is refused with a 409, as a
                 server without idempotent push would: harmless until a response is lost
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sync.headoffice import ingest  # noqa: E402
from sync.headoffice.db import Database  # noqa: E402
from sync.headoffice.problems import conflict  # noqa: E402

Push = Callable[[Database, Any, bytes, Any], Any]


def own_ids(push: Push) -> Push:
    def broken(db: Database, who: Any, body: bytes, now: Any) -> Any:
        try:
            doc = json.loads(body)
            for ev in doc["events"]:
                ev["event_id"] = str(uuid.uuid4())
            body = json.dumps(doc, ensure_ascii=False).encode()
        except (ValueError, KeyError, TypeError):
            pass  # not a push the real server would take either: let it refuse
        return push(db, who, body, now)

    return broken


def refuse_resend(push: Push) -> Push:
    def broken(db: Database, who: Any, body: bytes, now: Any) -> Any:
        try:
            first = int(json.loads(body)["events"][0]["seq"])
        except (ValueError, KeyError, TypeError, IndexError):
            first = None
        if first is not None:
            with db.read() as tx:
                acked = int(tx.scalar("SELECT acked_seq FROM acks WHERE terminal_id = ?",
                                      (who.terminal_id,)) or 0)
            if first <= acked:
                raise conflict("event_conflict", f"seq {first} was already received")
        return push(db, who, body, now)

    return broken


MODES = {"own_ids": own_ids, "refuse_resend": refuse_resend}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--broken", choices=sorted(MODES), required=True)
    p.add_argument("--db", required=True)
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    import uvicorn

    from sync.headoffice.app import create_app

    ingest.push = MODES[args.broken](ingest.push)  # app.py calls ingest.push at request time
    uvicorn.run(create_app(Database(args.db)), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
