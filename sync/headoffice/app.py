"""The head office HTTP API (FastAPI), protocol v1. OpenAPI at /docs and /openapi.json.

POST /v1/enroll   (code + public key, unsigned)  -> EnrollResponse
POST /v1/events   (signed push)                  -> PushResponse, sent after commit
GET  /v1/changes  (signed pull: cursor, limit)   -> PullResponse
GET  /v1/health   (unsigned)                     -> Health
Every 4xx/5xx body is a protocol.Problem {code, reason}.

Pushed events are applied to the projections by the projector (projector.py): in a background
thread of this process once pushes pause, and before every pull. Push and pull replies are
serialized in one call each (orjson), not through the response models, which document them.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from datetime import datetime, timezone
from typing import Annotated, Any, Callable

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from sync import protocol
from sync.headoffice import auth, enroll, ingest, pages_ahead, projector, pull
from sync.headoffice import projector_process as projector_process_mod
from sync.headoffice.db import Database
from sync.headoffice.push_workers import PushWorkers
from sync.headoffice.problems import Refused

MAX_BODY = 8 * 1024 * 1024
log = logging.getLogger("pos-headoffice")
Clock = Callable[[], datetime]

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": protocol.Problem, "description": "not authentic: unsigned, unknown terminal, bad signature,"
          " stale timestamp or replayed nonce"},
    403: {"model": protocol.Problem, "description": "revoked terminal, or events of another terminal"},
    409: {"model": protocol.Problem, "description": "seq gap (with acked_seq: resend from acked_seq + 1), or an"
          " event id/seq already held with another body"},
    413: {"model": protocol.Problem, "description": f"batch (over {protocol.MAX_PUSH} events) or body too large"},
    422: {"model": protocol.Problem, "description": "not JSON, or not the schema"},
}


def _inline_defs(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its "#/$defs/..." references replaced by the definitions: inside
    the OpenAPI document such a reference would point at the document's root, where nothing is."""
    defs = schema.get("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return walk(defs[ref.removeprefix("#/$defs/")])
            return {k: walk(v) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def _problem(status: int, code: str, reason: str, **extra: Any) -> JSONResponse:
    problem = protocol.Problem(code=code, reason=reason, **extra)
    return JSONResponse(status_code=status, content=problem.model_dump(exclude_none=True))


def _json(body: bytes) -> Response:
    return Response(content=body, media_type="application/json")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY:
        raise Refused(413, "body_too_large", f"the body is {declared} bytes; at most {MAX_BODY}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise Refused(413, "body_too_large", f"the body is over {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _signed_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if raw else request.url.path
    query = request.scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def signed(
    request: Request,
    x_pos_terminal: Annotated[str | None, Header(alias=protocol.HEADER_TERMINAL)] = None,
    x_pos_timestamp: Annotated[str | None, Header(alias=protocol.HEADER_TIMESTAMP)] = None,
    x_pos_nonce: Annotated[str | None, Header(alias=protocol.HEADER_NONCE)] = None,
    x_pos_signature: Annotated[str | None, Header(alias=protocol.HEADER_SIGNATURE)] = None,
) -> tuple[auth.Authenticated, bytes]:
    """The signature headers (documented here; checked by auth.verify: 401 when missing)."""
    body = await _body(request)
    state = request.app.state
    who = await run_in_threadpool(auth.verify, state.db, request.method, _signed_path(request), body,
                                  request.headers, state.clock())
    return who, body


Signed = Annotated[tuple[auth.Authenticated, bytes], Depends(signed)]


def create_app(db: Database, clock: Clock | None = None, *, background: bool = True,
               projector_process: bool = False, pull_workers: int = 0, push_workers: int = 0) -> FastAPI:
    """`background`: run the projector in the background (else only pulls run it): with
    `projector_process` (`pos-headoffice serve`; head office's own clock) in a process of its own,
    else in a thread of this process. (On SQLite the projector and the pushes write different files,
    db.py; with one file, a chunk held the only write lock for its whole transaction: beside the
    pushes, in a process of its own, it made them wait for it.)
    `pull_workers`: processes that build the pull pages a terminal will ask for next (pages_ahead.py;
    0: each page is built in its request).
    `push_workers`: processes that read push bodies, for tills pushing at once (push_workers.py;
    0: each push is read in its request)."""
    now: Clock = clock or (lambda: datetime.now(timezone.utc))
    projecting: Any = None
    if background and projector_process and clock is None:
        projecting = projector_process_mod.Process(db.url)
    elif background:
        projecting = projector.Background(db, now)
    pages = pages_ahead.PagesAhead(db, pull_workers) if pull_workers > 0 else None
    pushers = PushWorkers(push_workers) if push_workers > 0 else None
    helpers = [h for h in (projecting, pages, pushers) if h is not None]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for helper in helpers:
            helper.start()
        try:
            yield
        finally:
            for helper in reversed(helpers):
                helper.stop()

    app = FastAPI(
        title="POS head office", version=f"{protocol.VERSION}",
        description=(protocol.__doc__ or "").strip(), lifespan=lifespan,
    )
    app.state.db = db
    app.state.clock = now

    @app.exception_handler(Refused)
    async def _refused(_: Request, exc: Refused) -> JSONResponse:
        return _problem(exc.status, exc.code, exc.reason, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ())) or "(request)"
        return _problem(422, "schema", f"{where}: {first.get('msg')}")

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            # FastAPI's answer to a body that is not UTF-8 JSON: the same 422 a bad push gets
            return _problem(422, "malformed_json", "the body is not valid UTF-8 JSON")
        return _problem(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def _bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error", exc_info=exc)
        return _problem(500, "internal", "head office failed; the request may be retried")

    @app.get("/v1/health", response_model=protocol.Health, tags=["sync"])
    def health() -> protocol.Health:
        return protocol.Health(status="ok", protocol_version=protocol.VERSION, server_time=now())

    @app.post("/v1/enroll", response_model=protocol.EnrollResponse, responses=_PROBLEMS, tags=["sync"])
    def enroll_terminal(req: protocol.EnrollRequest) -> protocol.EnrollResponse:
        """Enroll with a one-time code (from `pos-headoffice enroll-code`) and the device public key."""
        return enroll.enroll(db, req, now())

    push_body = {"requestBody": {"required": True, "content": {
        "application/json": {"schema": _inline_defs(protocol.PushRequest.model_json_schema())}}}}

    @app.post("/v1/events", response_model=protocol.PushResponse, responses=_PROBLEMS, tags=["sync"],
              openapi_extra=push_body)
    def push(signed_request: Signed) -> Response:
        """Push events in seq order (PushRequest). Answered after commit with acked_seq."""
        who, body = signed_request
        with projecting.pushing() if projecting is not None else nullcontext():
            if pushers is None:
                return _json(ingest.push(db, who, body, now()).json())
            return _json(pushers.push(db, who, body, now()).json())

    @app.get("/v1/changes", response_model=protocol.PullResponse, responses=_PROBLEMS, tags=["sync"])
    def changes(
        signed_request: Signed,
        cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> Response:
        """Snapshots of what changed after the cursor, oldest first (every pushed event applied)."""
        who, _ = signed_request
        auth.record_nonce_alone(db, who, now())
        if pages is not None:
            return _json(pages.changes(who.terminal_id, cursor, limit, now()))
        return _json(pull.changes(db, who.terminal_id, cursor, limit, now()))

    return app


def app_from_env() -> FastAPI:
    """For `uvicorn sync.headoffice.app:app_from_env --factory`: the database from POS_HEADOFFICE_DB."""
    from sync.headoffice.db import open_db

    return create_app(open_db())
