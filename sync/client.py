"""The terminal side of sync: enroll, push the outbox, pull changes (sync/protocol.py, version 1).

Every request after enroll is signed with the device key. Head office unreachable (no connection,
a timeout, a 5xx) is the known error 'headoffice_unreachable'; a 4xx is 'sync_refused' with head
office's reason; a reply that does not parse is 'headoffice_bad_reply'. Nothing here runs on the
GUI thread: the app runs sync.loop.SyncLoop, the CLI runs `pos-terminal sync`.
The terminal core takes plain dicts; this module checks replies against the wire models.

Push sends up to protocol.MAX_PUSH events a request (MAX_BATCH to a head office that refuses more),
over one keep-alive session, one request at a time (the next batch is read while one is on its way).
A seq gap (head office holds less than this terminal was told, e.g. the terminal was restored from an
old backup) is mended by itself: the terminal takes head office's acked_seq from the 409 and resends
from there. Pull fetches the next page while it applies one.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import orjson
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ValidationError

from sync import protocol
from sync.gc_pause import gc_paused
from terminal.cards import DeviceKey
from terminal.errors import PosError
from terminal.services import replica
from terminal.services.context import Terminal

log = logging.getLogger("pos-terminal.sync")

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
PULL_LIMIT = 500
MAX_PULL_PAGES = 10_000  # a guard against a feed that never ends, far above any real catch-up
M = TypeVar("M", bound=BaseModel)


def sign_request(key: DeviceKey | Ed25519PrivateKey, terminal_id: str, method: str, path: str, body: bytes, *,
                 timestamp: float | None = None, nonce: str | None = None) -> dict[str, str]:
    """The four X-POS-* headers for one request. `path` is the URL path with its query string."""
    ts = str(int(time.time() if timestamp is None else timestamp))
    nonce = nonce or secrets.token_hex(16)
    message = protocol.signing_message(method, path, body, ts, nonce)
    private = key if isinstance(key, Ed25519PrivateKey) else Ed25519PrivateKey.from_private_bytes(key.private_raw)
    signature = private.sign(message)
    return {
        protocol.HEADER_TERMINAL: terminal_id,
        protocol.HEADER_TIMESTAMP: ts,
        protocol.HEADER_NONCE: nonce,
        protocol.HEADER_SIGNATURE: protocol.b64url(signature),
    }


def _json_body(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


def _push_body(events: list[bytes]) -> bytes:
    """A PushRequest's body from the events' JSON (replica.outbox_after)."""
    return b'{"events":[' + b",".join(events) + b"]}"


def _why(exc: requests.RequestException) -> str:
    """A short reason a person can read, not urllib3's nested repr."""
    if isinstance(exc, requests.ConnectTimeout):
        return "connection timed out"
    if isinstance(exc, requests.ReadTimeout):
        return f"no answer within {READ_TIMEOUT_S:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS error"
    text = str(exc)
    for needle, short in (("refused", "connection refused"), ("Name or service", "unknown host"),
                          ("resolve", "unknown host"), ("unreachable", "network unreachable"),
                          ("reset", "connection reset")):
        if needle in text:
            return short
    return type(exc).__name__


class SyncClient:
    """Sync one terminal with its head office. `base_url` defaults to the enrolled one."""

    def __init__(self, terminal: Terminal, base_url: str | None = None, *,
                 session: requests.Session | None = None,
                 timeout: tuple[float, float] = (CONNECT_TIMEOUT_S, READ_TIMEOUT_S)) -> None:
        self.t = terminal
        self.base_url = (base_url or terminal.store.setting("headoffice_url") or "").rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.batch = protocol.MAX_PUSH  # events per push; MAX_BATCH once a head office refuses more
        self._key: Ed25519PrivateKey | None = None  # the device key, read once (pull signs from a helper thread)

    def _signing_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = Ed25519PrivateKey.from_private_bytes(self.t.device_key().private_raw)
        return self._key

    # -- transport ----------------------------------------------------------------------------
    def _call(self, method: str, path: str, doc: dict[str, Any] | bytes | None, model: type[M], *,
              signed: bool = True) -> M:
        """`doc`: the JSON body as a dict, or already encoded (bytes)."""
        reply: M = self._exchange(method, path, doc, model, signed=signed)[0]
        return reply

    def _exchange(self, method: str, path: str, doc: dict[str, Any] | bytes | None, model: type[M] | None, *,
                  signed: bool = True) -> tuple[Any, bytes]:
        """_call(), and the reply's bytes (model None: not read here, the caller reads them)."""
        if not self.base_url:
            raise PosError("not_enrolled")
        url = self.base_url + path
        body = b"" if doc is None else doc if isinstance(doc, bytes) else _json_body(doc)
        parts = urlsplit(url)
        signed_path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {"Accept": "application/json"}
        if doc is not None:
            headers["Content-Type"] = "application/json"
        if signed:
            headers.update(sign_request(self._signing_key(), self.t.terminal_id, method, signed_path, body))
        try:
            resp = self.session.request(method, url, data=body if doc is not None else None, headers=headers,
                                        timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise PosError("headoffice_unreachable", url=self.base_url, detail=_why(exc)) from None
        if resp.status_code >= 500:
            raise PosError("headoffice_unreachable", url=self.base_url, detail=f"HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise self._refused(resp)
        if resp.status_code != 200:
            raise PosError("headoffice_bad_reply", detail=f"HTTP {resp.status_code} from {path}")
        if model is None:
            return None, resp.content
        try:
            return model.model_validate_json(resp.content), resp.content
        except ValidationError as exc:
            raise PosError("headoffice_bad_reply", detail=f"{path}: {exc.error_count()} problem(s), "
                                                          f"first: {exc.errors()[0]['msg']}") from None

    @staticmethod
    def _refused(resp: requests.Response) -> PosError:
        acked: int | None = None
        try:
            problem = protocol.Problem.model_validate_json(resp.content)
            reason, code, acked = problem.reason, problem.code, problem.acked_seq
        except ValidationError:
            reason, code = (resp.text or "").strip()[:200] or f"HTTP {resp.status_code}", "unknown"
        return PosError("sync_refused", reason=reason, problem=code, status=resp.status_code, acked_seq=acked)

    # -- the three operations -----------------------------------------------------------------
    def enroll(self, code: str, name: str | None = None) -> dict[str, Any]:
        """Register this terminal's id and device public key with a one-time code; remember the
        head office, the store and its programme."""
        t = self.t
        address = urlsplit(self.base_url)
        if address.scheme not in ("http", "https") or not address.netloc:
            raise PosError("input_invalid", detail=f"head office address is http(s)://HOST[:PORT], not {self.base_url}")
        key = t.device_key()
        try:
            request = protocol.EnrollRequest(code=code.strip(), terminal_id=t.terminal_id,
                                             public_key=key.public_raw.hex(), name=name or t.store_name or None)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise PosError("input_invalid", detail=f"enroll {first['loc'][0]}: {first['msg']}") from None
        reply = self._call("POST", "/v1/enroll", request.model_dump(mode="json"), protocol.EnrollResponse,
                           signed=False)
        if reply.terminal_id != t.terminal_id:
            raise PosError("headoffice_bad_reply", detail="enrolled a different terminal id")
        replica.apply_enrollment(t, self.base_url, reply.store_id, reply.store_name,
                                 {"version": reply.rules_version, "toml": reply.rules_toml})
        return {"terminal_id": reply.terminal_id, "store_id": reply.store_id, "store_name": reply.store_name,
                "rules_version": reply.rules_version, "headoffice_url": self.base_url}

    def push(self) -> int:
        """Send the outbox in batches of up to self.batch until head office holds everything;
        returns how many events were sent. Each reply's acked_seq is stored at once. Head office
        may say it holds less than before (a reply's acked_seq, or a seq gap's): the rest is resent
        from there, once.

        Requests stay one at a time, in seq order; while one is on its way (a helper thread sends
        it and reads the reply; the store is only touched here) the next batch is read from the
        outbox and encoded, and it is sent next only if head office's reply acknowledged exactly
        through the batch before it (otherwise it is read again from the acked seq); then it is
        sent at once, before the reply's acked seq is written to the store."""
        t = self.t
        sent, setbacks = 0, 0
        self._signing_key()  # read here: the helper thread must not touch the store
        ahead: tuple[int, bytes, int, int] | None = None  # (after seq, body, events, last seq), read ahead
        sending: tuple[Future[protocol.PushAck], int, int] | None = None  # (reply, events, last seq) sent early
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pos-push") as sender:
            while True:
                before = replica.acked_seq(t)
                if sending is not None:
                    reply_f, count, last = sending
                    sending = None
                else:
                    if ahead is not None and ahead[0] == before:
                        _, body, count, last = ahead
                    else:
                        batch, last = replica.outbox_after(t, before, self.batch)
                        body, count = _push_body(batch), len(batch)
                    ahead = None
                    if not count:
                        return sent
                    reply_f = sender.submit(self._call, "POST", "/v1/events", body, protocol.PushAck)
                if count == self.batch:  # more may wait: read the next batch meanwhile
                    try:
                        more, more_last = replica.outbox_after(t, last, self.batch)
                        if more:
                            ahead = (last, _push_body(more), len(more), more_last)
                    except BaseException:
                        reply_f.exception()  # never leave a request running past an error here
                        raise
                try:
                    reply = reply_f.result()
                except PosError as exc:
                    ahead = None
                    problem, held = exc.params.get("problem"), exc.params.get("acked_seq")
                    if problem == "batch_too_large" and self.batch > protocol.MAX_BATCH:
                        self.batch = protocol.MAX_BATCH  # a head office of protocol v1's first limit
                        continue
                    if problem == "seq_gap" and isinstance(held, int) and held < before and setbacks == 0:
                        setbacks += 1
                        log.warning("head office holds seqs through %s, not %s: resending from %s", held, before,
                                    held + 1)
                        replica.mark_acked(t, held)
                        continue
                    raise
                if ahead is not None and reply.acked_seq == last == ahead[0] and reply.acked_seq > before:
                    # the next batch goes now; this reply's bookkeeping (a write to the store) meanwhile
                    _, body, more_count, more_last = ahead
                    ahead = None
                    sending = (sender.submit(self._call, "POST", "/v1/events", body, protocol.PushAck),
                               more_count, more_last)
                try:
                    for result in reply.results:
                        if isinstance(result, dict) and result.get("status") == "quarantined":
                            log.warning("head office quarantined event seq %s: %s", result.get("seq"),
                                        result.get("reason"))
                    after = replica.mark_acked(t, reply.acked_seq)
                    sent += count
                    if after == before:
                        raise PosError("sync_refused", reason=f"head office acknowledged nothing past seq {before}")
                    if after < before:  # head office holds less than it said before: resend from there, once
                        setbacks += 1
                        if setbacks > 1:
                            raise PosError("sync_refused", reason=f"head office went back to seq {after}")
                except BaseException:
                    if sending is not None:
                        sending[0].exception()  # never leave a request running past an error here
                    raise

    def _page(self, cursor: int) -> tuple[protocol.PullPage, list[dict[str, Any]]]:
        """A page of the feed: its envelope checked, and its changes as plain data, read once."""
        path = f"/v1/changes?cursor={cursor}&limit={PULL_LIMIT}"
        _, raw = self._exchange("GET", path, None, None)
        try:
            with gc_paused():  # a page of member snapshots: thousands of objects (gc_pause.py)
                doc = orjson.loads(raw)
                return protocol.PullPage.model_validate(doc), doc["changes"]
        except (orjson.JSONDecodeError, ValidationError, TypeError) as exc:
            raise PosError("headoffice_bad_reply", detail=f"{path}: {str(exc)[:200]}") from None

    def pull(self) -> int:
        """Apply every change after the cursor, page by page (each page and its cursor commit
        together; the next page is fetched while one is applied; the store's WAL is checkpointed
        once, after the last page); returns how many changes were applied. Head office's word on
        this terminal's quarantined events is logged."""
        t = self.t
        applied = 0
        cursor = replica.pull_cursor(t)
        self._signing_key()  # read here: the helper thread must not touch the store
        with t.store.checkpoint_after(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="pos-pull") as fetcher:
            ahead: Future[tuple[protocol.PullPage, list[dict[str, Any]]]] = fetcher.submit(self._page, cursor)
            for _ in range(MAX_PULL_PAGES):
                reply, changes = ahead.result()
                if reply.more and reply.cursor > cursor:
                    ahead = fetcher.submit(self._page, reply.cursor)
                for q in reply.quarantined:
                    log.warning("head office quarantined event seq %s: %s", q.seq, q.reason)
                with gc_paused():
                    skipped = replica.apply_page(t, changes, reply.cursor)
                for s in skipped:
                    log.warning("skipped change %s (%s): %s %s", s["id"], s["kind"], s["code"], s["message"])
                applied += len(changes) - len(skipped)
                if not reply.more:
                    return applied
                if reply.cursor <= cursor:
                    raise PosError("headoffice_bad_reply", detail=f"the change cursor did not move past {cursor}")
                cursor = reply.cursor
        raise PosError("headoffice_bad_reply", detail="the change feed did not end")

    def sync_once(self) -> dict[str, Any]:
        """Push then pull; records success (lifting the offline cap) or the failure."""
        t = self.t
        try:
            pushed = self.push()
            pulled = self.pull()
        except PosError as exc:
            replica.record_sync(t, False, t.now(), {"code": exc.code, "message": exc.message()})
            raise
        except Exception as exc:
            replica.record_sync(t, False, t.now(), {"code": "internal", "message": type(exc).__name__})
            raise
        replica.record_sync(t, True, t.now())
        return {"pushed": pushed, "pulled": pulled, **replica.status(t, t.now())}


def __getattr__(name: str) -> Any:
    """`from sync.client import SyncLoop` works too (the loop lives in sync/loop.py)."""
    if name == "SyncLoop":
        from sync.loop import SyncLoop

        return SyncLoop
    raise AttributeError(name)
