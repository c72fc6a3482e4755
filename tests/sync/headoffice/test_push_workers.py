"""Push bodies read in worker processes (push_workers.py) are read as the server reads them: the
same rows stored, the same refusals; a worker that dies costs no push; tills pushing at once are
all stored, each event once."""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from ho_client import Till, at, random_phone
from sync.headoffice import ingest, push_workers
from sync.headoffice.problems import Refused

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)


def _events(till: Till, n: int) -> bytes:
    """A push body of n members' registrations and sales, one payload with a float in it, big enough
    to go to a worker."""
    for i in range(n):
        member = till.register(random_phone(), at(i))
        till.sale(member, 1_000 + i, at(i))
    till.event("points_adjusted", {"delta": 5, "reason": "补 0.5 分", "ratio": 0.5}, member, at(n))
    body = json.dumps({"events": till.log}, ensure_ascii=False).encode()
    assert len(body) > push_workers.SMALL
    return body


@pytest.fixture
def workers():
    pushers = push_workers.PushWorkers(1)
    pushers.start()
    yield pushers
    pushers.stop()


def _counted(pushers: push_workers.PushWorkers) -> list[object]:
    sent: list[object] = []
    submit = pushers.pool.submit

    def counted(fn, *args):
        future = submit(fn, *args)
        sent.append(future)
        return future

    pushers.pool.submit = counted  # type: ignore[method-assign]
    return sent


def test_a_body_read_in_a_worker_is_the_body_read_here(ho, workers):
    till = Till(ho.url)
    body = _events(till, 150)
    sent = _counted(workers)
    assert workers.prepare(till.terminal_id, body, NOW) == ingest.prepare(till.terminal_id, body, NOW)
    assert len(sent) == 1 and sent[0] is not None  # it went to the worker
    # a push alone in the server is read in its request
    assert workers.prepare(till.terminal_id, body, NOW, alone=True) == ingest.prepare(till.terminal_id, body, NOW)
    assert len(sent) == 1


def test_a_refusal_in_a_worker_is_the_answer(ho, workers):
    till, other = Till(ho.url), Till(ho.url)
    body = _events(till, 150)
    sent = _counted(workers)
    cases = [
        (other.terminal_id, body),  # another terminal's events: 403
        (till.terminal_id, body.replace(b'"seq": 7,', b'"seq": 9,', 1)),  # a gap inside the batch: 409
        (till.terminal_id, body[:-2] + b" " * (push_workers.SMALL + 1)),  # not JSON: 422
    ]
    statuses = []
    for terminal_id, bad in cases:
        with pytest.raises(Refused) as here:
            ingest.prepare(terminal_id, bad, NOW)
        with pytest.raises(Refused) as there:
            workers.prepare(terminal_id, bad, NOW)
        got, want = there.value, here.value
        assert (got.status, got.code, got.reason, got.extra) == (want.status, want.code, want.reason, want.extra)
        statuses.append(got.status)
    assert statuses == [403, 409, 422]
    assert [s is not None for s in sent] == [True] * len(cases)


def test_a_worker_that_dies_costs_no_push(ho, workers):
    till = Till(ho.url)
    body = _events(till, 150)
    (first,) = workers.pool.processes()
    os.kill(first.pid, signal.SIGKILL)  # killed outright (out of memory, say)
    first.join(10)
    time.sleep(0.2)
    want = ingest.prepare(till.terminal_id, body, NOW)
    assert workers.prepare(till.terminal_id, body, NOW) == want  # read here
    assert workers.prepare(till.terminal_id, body, NOW) == want  # by a new worker
    (second,) = workers.pool.processes()
    assert second.pid != first.pid and second.is_alive()


def test_tills_pushing_at_once_are_each_stored_once(ho):
    tills = [ho.till() for _ in range(3)]
    for till in tills:
        _events(till, 150)
    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(lambda t: t.push(), tills))
    assert [r.status_code for r in replies] == [200] * 3, [r.text for r in replies]
    for till, reply in zip(tills, replies):
        assert reply.json()["acked_seq"] == len(till.log)
        assert [r["status"] for r in reply.json()["results"]] == ["stored"] * len(till.log)
        stored = ho.events_of(till)
        assert [(e["event_id"], e["seq"]) for e in stored] == [(e["event_id"], e["seq"]) for e in till.log]
    again = tills[0].push(tills[0].log)  # resent whole: every event a duplicate, nothing stored twice
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * len(tills[0].log)
    assert len(ho.events_of(tills[0])) == len(tills[0].log)
