"""schemathesis against the running head office's OpenAPI (/openapi.json), SQLite and PostgreSQL:
every operation, data that fits the schema and data that does not, unsigned and signed by an
enrolled terminal (a requests auth that signs exactly what is sent). Pushes are pointed at the
signing terminal's next seqs and given real event kinds, so random payloads reach the handlers;
some enrollments carry a real one-time code. No answer may be a 5xx; every 4xx is a Problem
{code, reason}; every 200 matches its documented schema. Bounded: POS_SCHEMATHESIS_EXAMPLES per
operation and mode (default 30)."""

from __future__ import annotations

import os
import zlib
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from ho_servers import HeadOffice
from sync import protocol
from sync.client import sign_request
from sync.headoffice import enroll
from sync.headoffice.apply import HANDLERS
from sync.headoffice.db import Database
from terminal.cards import DeviceKey, new_device_key
from terminal.ids import new_id

EXAMPLES = int(os.environ.get("POS_SCHEMATHESIS_EXAMPLES", "30"))
KINDS = sorted(HANDLERS)


class Signed(requests.auth.AuthBase):
    """A terminal (id and device key) that signs each prepared request: method, path with query, body."""

    def __init__(self) -> None:
        self.key: DeviceKey = new_device_key()
        self.terminal_id = new_id()

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body.encode() if isinstance(r.body, str) else (r.body or b"")
        r.headers.update(sign_request(self.key, self.terminal_id, r.method or "GET", r.path_url, body))
        return r


class Api:
    def __init__(self, server: HeadOffice) -> None:
        self.url = server.url
        self.db = Database(server.db_url)
        self.auth = Signed()
        enrolled = requests.post(self.url + "/v1/enroll", timeout=30, json={
            "code": self.code(), "terminal_id": self.auth.terminal_id, "public_key": self.auth.key.public_raw.hex()})
        assert enrolled.status_code == 200, enrolled.text
        self.schema = schemathesis.openapi.from_url(self.url + "/openapi.json")

    def code(self) -> str:
        return enroll.create_code(self.db, "接口测试店", datetime.now(timezone.utc), 30).code

    def acked(self) -> int:
        with self.db.read() as tx:
            return int(tx.scalar("SELECT acked_seq FROM acks WHERE terminal_id = ?", (self.auth.terminal_id,)) or 0)


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp(f"schemathesis-{request.param}")
    url = str(folder / "ho.db") if request.param == "sqlite" else request.getfixturevalue("pg_cluster").new_database()
    server = HeadOffice(url, folder)
    api = Api(server)
    yield api
    api.db.close()
    server.stop()


def aim(api: Api, case: Any) -> None:
    """Point a generated push at the signing terminal's next seqs, with real kinds for half the
    events; give some enrollments a real code."""
    body = case.body
    if case.path == "/v1/events" and isinstance(body, dict) and isinstance(body.get("events"), list):
        seq = api.acked() + 1
        for ev in body["events"]:
            if isinstance(ev, dict):
                ev["terminal_id"], ev["seq"] = api.auth.terminal_id, seq
                seq += 1
                salt = zlib.crc32(repr(ev.get("event_id")).encode())
                if salt % 2:
                    ev["kind"] = KINDS[salt // 2 % len(KINDS)]
    if case.path == "/v1/enroll" and isinstance(body, dict) and zlib.crc32(repr(body).encode()) % 2:
        body["code"] = api.code()


def check(case: Any, response: requests.Response) -> None:
    assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
    if response.status_code >= 400:
        problem = protocol.Problem.model_validate_json(response.content)
        assert problem.code and problem.reason
    elif response.status_code == 200:
        case.validate_response(response, checks=[response_schema_conformance])


UNSIGNED = ("/v1/health", "/v1/enroll")
SIGNED = ("/v1/events", "/v1/changes")
RUNS = {  # (signed, mode) -> the paths worth it: unsigned, the signed paths only answer 401
    (False, GenerationMode.POSITIVE): UNSIGNED + SIGNED,
    (False, GenerationMode.NEGATIVE): ("/v1/enroll",),
    (True, GenerationMode.POSITIVE): SIGNED,
    (True, GenerationMode.NEGATIVE): SIGNED,
}


@pytest.mark.parametrize("signed, mode", list(RUNS), ids=lambda v: {True: "signed", False: "unsigned"}.get(v, str(v)))
def test_no_operation_answers_5xx(api: Api, signed: bool, mode: GenerationMode) -> None:
    seen: dict[str, dict[int, int]] = {}
    for result in api.schema.get_all_operations():
        operation = result.ok()
        if operation.path not in RUNS[signed, mode]:
            continue

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            if signed:
                aim(api, case)
            response = case.call(base_url=api.url, auth=api.auth if signed else None, timeout=30)
            statuses = seen.setdefault(f"{case.method} {case.path}", {})
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            check(case, response)

        run()
    assert set(RUNS[signed, mode]) == {key.split(" ")[1] for key in seen}, seen
    if signed and mode is GenerationMode.POSITIVE:  # signed right: past the 401s, into the handlers
        assert seen["GET /v1/changes"].get(200) and seen["POST /v1/events"].get(200), seen
