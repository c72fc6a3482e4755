"""The server applies pushed events by itself, without a pull, in a projector process beside it
(on SQLite too: pushes and the projector write different files, db.py); its helper processes end
with it."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ho_client import Till, at, random_phone
from ho_servers import HeadOffice
from sync.headoffice import pages_ahead, projector
from sync.headoffice.db import Database


PULL_WORKERS = 2  # `serve`'s defaults
PUSH_WORKERS = 2


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
        helpers = _children(server.proc.pid)
        spawned = [p for p in helpers if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        # the projector process, the pull page workers (pages_ahead.py) and the push workers
        # (push_workers.py); besides them, multiprocessing's resource tracker
        assert len(spawned) == 1 + PULL_WORKERS + PUSH_WORKERS
    finally:
        server.stop()
        db.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.05)
    assert not any(_alive(p) for p in helpers)  # they end with the server


def test_a_server_killed_outright_leaves_no_helper_behind(fresh_db_url, tmp_path):
    server = HeadOffice(fresh_db_url, tmp_path)
    try:
        helpers = _children(server.proc.pid)
        assert helpers
        server.proc.kill()  # SIGKILL: no lifespan shutdown runs
        server.proc.wait(timeout=10)
    finally:
        server.stop()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in helpers):
        time.sleep(0.05)
    assert not any(_alive(p) for p in helpers)


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(Path(f"/proc/{pid}/fd/{fd}").resolve() == path for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def test_a_server_answers_once_its_helpers_are_ready(tmp_path):
    """Health answers only after the projector process and the pull page workers have loaded and
    opened the database, and the push workers have started (a server that answered at once had
    them still loading beside its first pushes)."""
    db_path = (tmp_path / "ho.db").resolve()
    server = HeadOffice(str(db_path), tmp_path)  # returns at the first answer to /v1/health
    try:
        spawned = [p for p in _children(server.proc.pid)
                   if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()]
        assert len(spawned) == 1 + PULL_WORKERS + PUSH_WORKERS
        # the push workers need no database; they are waited for as the page workers are (helper_pool.py)
        assert len([p for p in spawned if _has_open(p, db_path)]) == 1 + PULL_WORKERS
        # the projector at the server's priority; the page workers, whose pages are speculative, below it
        assert sorted(_nice(p) for p in spawned if _has_open(p, db_path)) == [0] + [pages_ahead.NICE] * PULL_WORKERS
        assert all(_nice(p) == 0 for p in spawned if not _has_open(p, db_path))
    finally:
        server.stop()


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def test_a_projector_process_that_ended_is_started_again(tmp_path):
    db_path = str(tmp_path / "ho.db")
    server = HeadOffice(db_path, tmp_path)
    db = Database(db_path)
    try:
        from datetime import datetime, timezone

        from sync.headoffice import enroll

        def projectors() -> list[int]:  # of the helpers with the database open, the page workers run niced
            return [p for p in _children(server.proc.pid) if _alive(p) and _has_open(p, Path(db_path).resolve())
                    and _nice(p) == 0]

        (first,) = projectors()
        os.kill(first, 9)
        till = Till(server.url)
        assert till.enroll(enroll.create_code(db, "一号店", datetime.now(timezone.utc)).code).status_code == 200
        member = till.register(random_phone(), at(0))
        till.sale(member, 10_000, at(1))
        assert till.push().status_code == 200  # its poke finds the projector gone and starts it again
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and projector.behind(db):
            time.sleep(0.05)
        assert not projector.behind(db)  # applied in the background, nobody pulled
        assert len(projectors()) == 1 and projectors() != [first]
    finally:
        server.stop()
        db.close()
