"""SQLite writers of one head office process queue on a lock of their own before BEGIN IMMEDIATE
(db.Database.write): they never overlap, none fails with "database is locked", and each starts
when the one before it commits instead of sleeping in SQLite's busy handler."""

from __future__ import annotations

import threading
import time

from sync.headoffice import feed
from sync.headoffice.db import Database


def test_concurrent_sqlite_writers_take_turns(tmp_path):
    db = Database(str(tmp_path / "ho.db"))
    inside: list[str] = []
    spans: list[tuple[float, float]] = []
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(5):
                with db.write() as tx:
                    inside.append(name)
                    start = time.perf_counter()
                    assert len(inside) == 1, inside  # alone in the write transaction
                    feed.append(tx, "member", f"{name}-{i}")
                    time.sleep(0.01)
                    inside.remove(name)
                    spans.append((start, time.perf_counter()))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM feed WHERE kind = 'member'") == 20
    spans.sort()
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    db.close()


def test_a_failed_write_releases_the_turn(tmp_path):
    db = Database(str(tmp_path / "ho.db"))
    try:
        with db.write() as tx:
            feed.append(tx, "member", "x")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    done = threading.Event()

    def other() -> None:
        with db.write() as tx:
            feed.append(tx, "member", "y")
        done.set()

    threading.Thread(target=other).start()
    assert done.wait(10)
    with db.read() as tx:
        assert [r["key"] for r in tx.all("SELECT key FROM feed WHERE kind = 'member'")] == ["y"]
    db.close()
