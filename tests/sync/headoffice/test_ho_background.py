"""The server applies pushed events by itself, without a pull (PostgreSQL: in a projector process
beside the server, which ends with it; SQLite: in a thread once pushes pause)."""

from __future__ import annotations

import time
from pathlib import Path

from ho_client import Till, at, random_phone
from ho_servers import HeadOffice
from sync.headoffice import projector
from sync.headoffice.db import Database


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_pushed_events_are_applied_without_a_pull(fresh_db_url, tmp_path):
    server = HeadOffice(fresh_db_url, tmp_path)
    db = Database(fresh_db_url)
    try:
        from datetime import datetime, timezone

        from sync.headoffice import enroll

        till = Till(server.url)
        assert till.enroll(enroll.create_code(db, "一号店", datetime.now(timezone.utc)).code).status_code == 200
        member = till.register(random_phone(), at(0))
        for i in range(20):
            till.sale(member, 10_000 + i, at(i + 1))
        assert till.push().status_code == 200
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and projector.behind(db):
            time.sleep(0.05)
        assert not projector.behind(db)  # applied, and nobody pulled
        with db.read() as tx:
            assert tx.scalar("SELECT COUNT(*) AS n FROM spends WHERE member_id = ?", (member,)) == 20
        helpers = _children(server.proc.pid) if db.postgres else []
        assert bool(helpers) == db.postgres  # the projector process (and multiprocessing's tracker)
    finally:
        server.stop()
        db.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.05)
    assert not any(_alive(p) for p in helpers)  # they end with the server
