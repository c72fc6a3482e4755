"""Pull pages built ahead in worker processes (pages_ahead.py) are the pages a request builds
itself: the same bytes, served to the terminal they were built for; a page built before an event
was applied is built anew; and feed.bounds says where the next pages start."""

from __future__ import annotations

import os
import signal
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import orjson
from hypothesis import given, settings, strategies as st

from ho_client import at, random_phone
from sync.headoffice import feed, pages_ahead, pull
from sync.headoffice.db import Database

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


@settings(max_examples=40, deadline=None)
@given(keys=st.lists(st.integers(0, 30), min_size=0, max_size=60), limit=st.integers(1, 7))
def test_bounds_are_the_cursors_the_next_pages_end_at(keys, limit):
    with tempfile.TemporaryDirectory() as folder:
        db = Database(str(Path(folder) / "ho.db"))
        try:
            with db.write() as tx:
                for k in keys:  # a row each, so keys change again later
                    feed.append(tx, "member", f"m{k}")
            with db.read() as tx:
                cursor, ends = 0, []
                while True:  # the pages, one after another, as terminals pull them
                    rows, more = feed.after(tx, cursor, limit)
                    start = cursor
                    cursor = int(rows[-1]["last_id"]) if rows else cursor
                    ends.append((start, cursor, more))
                    if not more:
                        break
                for i, (start, _, _) in enumerate(ends):
                    following = [end for _, end, more in ends[i:i + 3] if more]
                    assert feed.bounds(tx, start, limit, 3) == following
        finally:
            db.close()


def _members(ho, till, n: int) -> int:
    """The till's cursor at the feed's head; then n members it registers, pushed and applied."""
    till.sync_pull()
    start = till.cursor
    for i in range(n):
        till.register(random_phone(), at(i))
    assert till.push().status_code == 200
    ho.caught_up()
    return start


def test_pages_built_ahead_are_the_pages_a_request_builds(ho, monkeypatch):
    till = ho.till()
    start = _members(ho, till, 23)
    here = []
    built = pull.built

    def counted(*args):
        here.append(args[2])
        return built(*args)

    pages = pages_ahead.PagesAhead(ho.db, 2)
    monkeypatch.setattr(pull, "built", counted)
    try:
        cursor, served = start, 0
        while True:
            body = pages.changes(till.terminal_id, cursor, 5, NOW)
            assert body == built(ho.db, till.terminal_id, cursor, 5, NOW)[0]
            served += 1
            doc = orjson.loads(body)
            if not doc["more"]:
                break
            cursor = doc["cursor"]
        assert served == 5  # 23 members, 5 a page
        assert here == [start]  # only the first page was built in its request; the workers built the others
    finally:
        pages.stop()


def test_a_page_built_before_an_event_was_applied_is_built_anew(ho):
    till, other = ho.till(), ho.till("二号店")
    start = _members(ho, till, 12)
    pages = pages_ahead.PagesAhead(ho.db, 2)
    try:
        first = orjson.loads(pages.changes(till.terminal_id, start, 5, NOW))  # pages 2 and 3 built ahead now
        assert first["more"] and len(first["changes"]) == 5
        member = other.register(random_phone(), at(30))
        assert other.push().status_code == 200
        second = orjson.loads(pages.changes(till.terminal_id, first["cursor"], 5, NOW))
        third = pages.changes(till.terminal_id, second["cursor"], 5, NOW)
        # what a request builds now, with the new member's registration applied
        assert third == pull.built(ho.db, till.terminal_id, second["cursor"], 5, NOW)[0]
        assert [c["member"]["member_id"] for c in orjson.loads(third)["changes"]][-1] == member
    finally:
        pages.stop()


def test_a_page_is_served_to_its_own_terminal_only(ho):
    till, other = ho.till(), ho.till()
    other.sync_pull()
    start = _members(ho, till, 8)
    assert other.cursor == start
    pages = pages_ahead.PagesAhead(ho.db, 1)
    try:
        first = orjson.loads(pages.changes(till.terminal_id, start, 5, NOW))
        mine = pages.changes(other.terminal_id, first["cursor"], 5, NOW)  # built for `other`, not taken
        assert mine == pull.built(ho.db, other.terminal_id, first["cursor"], 5, NOW)[0]
    finally:
        pages.stop()


def test_a_worker_that_dies_costs_no_pull(ho):
    till = ho.till()
    start = _members(ho, till, 23)
    pages = pages_ahead.PagesAhead(ho.db, 2)
    try:
        pages.start()
        for pid in [p.pid for p in pages.pool.processes()]:  # killed outright (out of memory, say)
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        cursor, served = start, []
        while True:
            body = pages.changes(till.terminal_id, cursor, 5, NOW)
            assert body == pull.built(ho.db, till.terminal_id, cursor, 5, NOW)[0]
            doc = orjson.loads(body)
            served.append(len(doc["changes"]))
            if not doc["more"]:
                break
            cursor = doc["cursor"]
        assert served == [5, 5, 5, 5, 3]
        assert pages.pool.processes() and all(p.is_alive() for p in pages.pool.processes())
    finally:
        pages.stop()


@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.tuples(st.sampled_from(["member", "rules"]), st.integers(0, 12)), max_size=50),
       cursor=st.integers(0, 55), limit=st.integers(1, 9))
def test_a_page_holds_each_key_changed_after_the_cursor_once_at_its_latest_change(keys, cursor, limit):
    with tempfile.TemporaryDirectory() as folder:
        db = Database(str(Path(folder) / "ho.db"))
        try:
            with db.write() as tx:
                first = feed.head(tx)
                for kind, k in keys:
                    feed.append(tx, kind, f"k{k}")
            with db.read() as tx:
                at = first + cursor
                latest: dict[tuple[str, str], int] = {}
                for r in tx.all("SELECT id, kind, key FROM feed WHERE id > ? ORDER BY id", (at,)):
                    latest[(r["kind"], r["key"])] = int(r["id"])
                want = sorted(((i, kind, k) for (kind, k), i in latest.items()))
                rows, more = feed.after(tx, at, limit)
                assert [(int(r["last_id"]), r["kind"], r["key"]) for r in rows] == want[:limit]
                assert more == (len(want) > limit)
        finally:
            db.close()
