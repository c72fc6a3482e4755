"""A tiny stand-in head office on 127.0.0.1 for the client's tests: enroll, push and pull per
sync/protocol.py, checking every signature with the enrolled public key. Not the real server
(sync/headoffice): it only stores events and serves whatever changes a test puts in its feed."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync import protocol
from terminal.rules import default_rules_text


class StubHeadOffice:
    def __init__(self, code: str = "ENROLL-123456") -> None:
        self.code = code
        self.keys: dict[str, bytes] = {}  # terminal id -> public key
        self.events: dict[str, dict[int, dict[str, Any]]] = {}
        self.feed: list[dict[str, Any]] = []  # Change dicts; ids assigned on add
        self.requests: list[tuple[str, str]] = []
        self.nonces: set[str] = set()
        self.fail_with: int | None = None  # answer every request with this status
        self.page_size = 2
        self.max_batch = protocol.MAX_PUSH  # more events in one push: 413 batch_too_large
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> StubHeadOffice:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

    def add_change(self, kind: str, body: dict[str, Any]) -> None:
        self.feed.append({"id": len(self.feed) + 1, "kind": kind, kind: body})

    def acked(self, terminal_id: str) -> int:
        held, n = self.events.get(terminal_id, {}), 0
        while n + 1 in held:
            n += 1
        return n

    # -- the three endpoints --------------------------------------------------------------------
    def enroll(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        req = protocol.EnrollRequest.model_validate(body)
        if req.code != self.code:
            return 403, {"code": "enroll_code_invalid", "reason": "unknown or used enrollment code"}
        self.keys[req.terminal_id] = bytes.fromhex(req.public_key)
        text = default_rules_text()
        return 200, {"terminal_id": req.terminal_id, "store_id": "store-1", "store_name": "总部登记门店",
                     "rules_version": "default-2026.1", "rules_toml": text,
                     "server_time": datetime.now(timezone.utc).isoformat()}

    def push(self, terminal_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if len(body["events"]) > self.max_batch:
            return 413, {"code": "batch_too_large", "reason": f"at most {self.max_batch}"}
        req = protocol.PushRequest.model_validate(body)
        held = self.events.setdefault(terminal_id, {})
        results = []
        if req.events[0].seq > self.acked(terminal_id) + 1:
            return 409, {"code": "seq_gap", "reason": f"expected seq {self.acked(terminal_id) + 1}",
                         "acked_seq": self.acked(terminal_id)}
        for ev in req.events:
            if ev.terminal_id != terminal_id:
                return 403, {"code": "not_your_event", "reason": "events must be the terminal's own"}
            status = "duplicate" if ev.seq in held else "stored"
            held[ev.seq] = ev.model_dump(mode="json")
            results.append({"event_id": ev.event_id, "seq": ev.seq, "status": status})
        return 200, {"acked_seq": self.acked(terminal_id), "results": results}

    def changes(self, query: str) -> tuple[int, dict[str, Any]]:
        cursor = int(parse_qs(query).get("cursor", ["0"])[0])
        page = [c for c in self.feed if c["id"] > cursor][: self.page_size]
        more = bool([c for c in self.feed if c["id"] > cursor][self.page_size:])
        return 200, {"cursor": page[-1]["id"] if page else cursor, "more": more, "changes": page}

    def verify(self, method: str, path: str, body: bytes, headers: Any) -> str | None:
        """The terminal id if the request is signed right, else None."""
        terminal_id = headers.get(protocol.HEADER_TERMINAL)
        ts, nonce = headers.get(protocol.HEADER_TIMESTAMP), headers.get(protocol.HEADER_NONCE)
        signature = headers.get(protocol.HEADER_SIGNATURE)
        if terminal_id not in self.keys or not ts or not nonce or not signature or nonce in self.nonces:
            return None
        if abs(time.time() - int(ts)) > protocol.MAX_SKEW_S:
            return None
        try:
            Ed25519PublicKey.from_public_bytes(self.keys[terminal_id]).verify(
                protocol.unb64url(signature), protocol.signing_message(method, path, body, ts, nonce))
        except InvalidSignature:
            return None
        self.nonces.add(nonce)
        return terminal_id

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        office = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, doc: dict[str, Any]) -> None:
                data = json.dumps(doc, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                office.requests.append((method, self.path))
                if office.fail_with is not None:
                    return self._answer(office.fail_with, {"code": "stub_failure", "reason": "told to fail"})
                if method == "POST" and parts.path == "/v1/enroll":
                    return self._answer(*office.enroll(json.loads(body)))
                terminal_id = office.verify(method, self.path, body, self.headers)
                if terminal_id is None:
                    return self._answer(401, {"code": "signature_invalid", "reason": "bad or missing signature"})
                if method == "POST" and parts.path == "/v1/events":
                    return self._answer(*office.push(terminal_id, json.loads(body)))
                if method == "GET" and parts.path == "/v1/changes":
                    return self._answer(*office.changes(parts.query))
                return self._answer(404, {"code": "not_found", "reason": parts.path})

            def do_GET(self) -> None:  # noqa: N802
                self._serve("GET")

            def do_POST(self) -> None:  # noqa: N802
                self._serve("POST")

        return Handler
