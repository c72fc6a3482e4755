"""A pull while stored events still wait for the projector (pull.py): full pages of what is applied
come at once, saying `more`; the last page comes only once every event stored before its request
is applied; and what the pull leaves at the terminal is what a pull after a full catch-up gives."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone
from typing import Any

import orjson
import pytest

from ho_client import Till, at, random_phone
from sync import protocol
from sync.headoffice import auth, enroll, ingest, pages_ahead, projector, pull
from sync.headoffice.db import Database

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
LIMIT = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        url = str(tmp_path / "ho.db")
    else:
        url = request.getfixturevalue("pg_cluster").new_database()
    database = Database(url)
    yield database
    database.close()


def _enrolled(db: Database) -> Till:
    till = Till("http://127.0.0.1:9")  # builds events only: they are stored here, not sent
    code = enroll.create_code(db, "一号店", NOW).code
    enroll.enroll(db, protocol.EnrollRequest(code=code, terminal_id=till.terminal_id, public_key=till.public_hex), NOW)
    return till


def _store(db: Database, till: Till, events: list[dict[str, Any]]) -> None:
    """Stored as a push stores them (ingest), not applied: no projector runs here."""
    who = auth.Authenticated(till.terminal_id, "store", secrets.token_hex(16), int(NOW.timestamp()))
    ingest.push(db, who, json.dumps({"events": events}, ensure_ascii=False).encode(), NOW)


def _pull(answer, terminal_id: str, cursor: int) -> list[dict[str, Any]]:
    """Every page until one says no more."""
    pages = []
    while True:
        doc = orjson.loads(answer(terminal_id, cursor))
        pages.append(doc)
        if not doc["more"]:
            return pages
        cursor = doc["cursor"]


def _latest(pages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What a terminal keeps: each member's snapshot from the last page that brought it."""
    out: dict[str, dict[str, Any]] = {}
    for doc in pages:
        for change in doc["changes"]:
            if change["kind"] == "member":
                out[change["member"]["member_id"]] = change["member"]
    return out


def _scene(db: Database) -> tuple[Till, int, list[str]]:
    """A till whose first 12 members are applied (three full pages, the last one at the feed's
    end), then 11 more members and sales for some of the first ones stored and not applied yet."""
    till = _enrolled(db)
    with db.read() as tx:
        cursor = int(tx.scalar("SELECT COALESCE(MAX(id), 0) AS n FROM feed") or 0)
    first = [till.register(random_phone(), at(i)) for i in range(12)]
    _store(db, till, till.log)
    projector.catch_up(db, NOW)
    sent = len(till.log)
    later = [till.register(random_phone(), at(20 + i)) for i in range(11)]
    for i, member in enumerate(first[:5]):
        till.sale(member, 10_000 * (i + 1), at(40 + i))
    _store(db, till, till.log[sent:])
    assert projector.behind(db)
    return till, cursor, first + later


def _recorded(db: Database, build):
    """build(terminal_id, cursor) -> page bytes, and the pages it answered, each with whether the
    projector was still behind right after."""
    answered: list[tuple[dict[str, Any], bool]] = []

    def answer(terminal_id: str, cursor: int) -> bytes:
        body = build(terminal_id, cursor)
        answered.append((orjson.loads(body), projector.behind(db)))
        return body
    return answer, answered


def test_full_pages_of_what_is_applied_come_while_events_wait_and_the_last_after_them(db):
    till, cursor, members = _scene(db)
    answer, answered = _recorded(db, lambda t, c: pull.changes(db, t, c, LIMIT, NOW))
    pages = _pull(answer, till.terminal_id, cursor)
    # the applied members' pages came before anything else was applied, each full and saying more
    early = [doc for doc, behind in answered if behind]
    assert len(early) == 12 // LIMIT and all(d["more"] and len(d["changes"]) == LIMIT for d in early)
    # the last page came with every stored event applied, and nothing waits now
    assert not answered[-1][1] and not answered[-1][0]["more"] and not projector.behind(db)
    # and the terminal holds what a pull after a full catch-up gives
    after = _pull(lambda t, c: pull.changes(db, t, c, LIMIT, NOW), till.terminal_id, cursor)
    got, want = _latest(pages), _latest(after)
    assert sorted(got) == sorted(members) == sorted(want)

    def without_seq(snap: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in snap.items() if k != "includes_seq"}

    assert {m: without_seq(s) for m, s in got.items()} == {m: without_seq(s) for m, s in want.items()}
    # each snapshot holds the till's events through a seq at or past the member's own last event
    last_seq = {}
    for i, event in enumerate(till.log, start=1):
        last_seq[event["member_id"]] = i
    assert all(s["includes_seq"] >= last_seq[m] for m, s in got.items())


def test_a_page_short_of_full_waits_for_the_events_stored_before_it(db):
    till, cursor, members = _scene(db)
    with db.read() as tx:
        applied = int(tx.scalar("SELECT COUNT(*) AS n FROM feed WHERE kind = 'member' AND id > ?", (cursor,)))
    assert applied == 12
    doc = orjson.loads(pull.changes(db, till.terminal_id, cursor, 30, NOW))  # 12 applied would not fill it
    assert not projector.behind(db)  # so everything stored was applied first, then the page built
    assert not doc["more"] and sorted(c["member"]["member_id"] for c in doc["changes"]) == sorted(members)


def test_pages_built_ahead_follow_the_same_rule(db):
    till, cursor, members = _scene(db)
    pages = pages_ahead.PagesAhead(db, 2)
    try:
        answer, answered = _recorded(db, lambda t, c: pages.changes(t, c, LIMIT, NOW))
        got = _pull(answer, till.terminal_id, cursor)
    finally:
        pages.stop()
    assert not answered[-1][0]["more"] and not answered[-1][1]
    assert any(behind for _, behind in answered)  # pages of what was applied came first
    after = _pull(lambda t, c: pull.changes(db, t, c, LIMIT, NOW), till.terminal_id, cursor)
    assert sorted(_latest(got)) == sorted(members)
    assert {m: s["points"] for m, s in _latest(got).items()} == {m: s["points"] for m, s in _latest(after).items()}
    assert all(_latest(got)[m]["spends"] for m in members[:5])  # the sales applied after the first pages came
