"""A fault-injecting HTTP proxy for the sync tests: terminals talk to it, it talks to head office,
both on loopback only. Each request takes the next fault from a schedule the test sets (a seeded
list, drawn by hypothesis); with the schedule empty it forwards faithfully.

Faults (what the client sees / what head office sees):
- pass           forwarded, answered
- drop_request   never forwarded; the connection closes without an answer (a connection error)
- drop_response  forwarded and committed by head office; the connection closes without an answer
- duplicate      forwarded twice (the second copy right after the first); the first answer goes back
- delay          forwarded after a pause (sometimes longer than the client waits: a late arrival)
- reorder        held until a later request has been forwarded (or HOLD_S passed), then forwarded;
                 the client has usually given up by then (it sees a timeout)
A terminal marked offline gets every request dropped. Every wait is bounded; the proxy shuts
itself down after max_life_s.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable
from urllib.parse import urlsplit

FAULTS = ("pass", "drop_request", "drop_response", "duplicate", "delay", "reorder")
HOLD_S = 1.0  # the longest a reordered request waits for a later one
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
              "host", "content-length"}
TERMINAL_HEADER = "X-POS-Terminal"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        proxy = self.server.proxy
        self.close_connection = True
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 64 * 1024 * 1024)) if length else b""
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        fault = proxy._next_fault(self.headers.get(TERMINAL_HEADER))
        with proxy._track():
            if fault == "drop_request":
                return
            if fault == "reorder":
                proxy._hold()
            elif fault == "delay":
                time.sleep(proxy._delay_s())
            reply = proxy._forward(self.command, self.path, headers, body)
            if fault == "duplicate":
                proxy._forward(self.command, self.path, headers, body)
            if fault != "reorder":
                proxy._release_held()
            if fault == "drop_response" or reply is None:
                return
            self._reply(*reply)

    def _reply(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        try:
            self.send_response(status)
            for k, v in headers:
                if k.lower() not in HOP_BY_HOP:
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout) before the answer came
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: "FaultProxy"


class FaultProxy:
    """`FaultProxy(upstream_url)`; `.url` for the clients; `schedule(faults)`, `offline(ids)`,
    `heal()` (no faults, held requests forwarded, waits for everything in flight), `stop()`."""

    def __init__(self, upstream: str, *, max_life_s: float = 3600.0, delays: tuple[float, float] = (0.005, 0.25),
                 upstream_timeout_s: float = 30.0, seed: int = 0) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or not _loopback(parts.hostname):
            raise ValueError(f"the fault proxy only forwards to loopback http, not {upstream!r}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.upstream_timeout_s = upstream_timeout_s
        self.delays = delays
        self._delay_n = seed
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._faults: deque[str] = deque()
        self._offline: set[str] = set()
        self._held: list[threading.Event] = []
        self._in_flight = 0
        self.seen: list[str] = []  # the fault applied to each request, in arrival order (bounded)
        self.server_errors: list[str] = []  # head office's 5xx answers (bounded), whatever the fault
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self._server.timeout = 1.0
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="fault-proxy", daemon=True)
        self._thread.start()
        self._timer = threading.Timer(max_life_s, self.stop)
        self._timer.daemon = True
        self._timer.start()

    # -- what the test drives --------------------------------------------------------------------
    def schedule(self, faults: Iterable[str]) -> None:
        """The faults for the next requests, in order; requests after them pass."""
        faults = list(faults)
        unknown = set(faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        with self._lock:
            self._faults = deque(faults)

    def offline(self, terminal_ids: Iterable[str]) -> None:
        with self._lock:
            self._offline = set(terminal_ids)

    def heal(self, timeout_s: float = 15.0) -> None:
        """No more faults or offline terminals; held requests go now; returns once nothing is in
        flight (or after timeout_s)."""
        with self._lock:
            self._faults.clear()
            self._offline.clear()
        self._release_held()
        self.wait_idle(timeout_s)

    def wait_idle(self, timeout_s: float = 15.0) -> bool:
        deadline = time.monotonic() + timeout_s
        with self._idle:
            while self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.2))
                self._release_held_locked()
        return True

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._faults.clear()
        self._release_held()
        self._server.shutdown()
        self._server.server_close()

    # -- inside the handler threads -------------------------------------------------------------
    def _next_fault(self, terminal_id: str | None) -> str:
        with self._lock:
            if terminal_id is not None and terminal_id in self._offline:
                fault = "drop_request"
            else:
                fault = self._faults.popleft() if self._faults else "pass"
            if len(self.seen) < 100_000:
                self.seen.append(fault)
            return fault

    def _delay_s(self) -> float:
        with self._lock:  # deterministic spread over the range: short, long, middling...
            self._delay_n += 1
            step = (self._delay_n * 0.618034) % 1.0
        low, high = self.delays
        return low + (high - low) * step

    def _track(self) -> "_InFlight":
        return _InFlight(self)

    def _hold(self) -> None:
        event = threading.Event()
        with self._lock:
            self._held.append(event)
        event.wait(HOLD_S)

    def _release_held(self) -> None:
        with self._lock:
            self._release_held_locked()

    def _release_held_locked(self) -> None:
        held, self._held = self._held, []
        for event in held:
            event.set()

    def _forward(self, method: str, path: str, headers: dict[str, str],
                 body: bytes) -> tuple[int, list[tuple[str, str]], bytes] | None:
        conn = http.client.HTTPConnection(*self.upstream, timeout=self.upstream_timeout_s)
        try:
            conn.request(method, path, body=body if body or method in ("POST", "PUT") else None,
                         headers={**headers, "Host": f"{self.upstream[0]}:{self.upstream[1]}"})
            resp = conn.getresponse()
            reply = resp.status, resp.getheaders(), resp.read()
            if reply[0] >= 500 and len(self.server_errors) < 100:
                self.server_errors.append(f"{method} {path}: {reply[0]} {reply[2][:300]!r}")
            return reply
        except (OSError, http.client.HTTPException, socket.timeout):
            return None  # head office unreachable: the client sees a dropped connection
        finally:
            conn.close()


class _InFlight:
    def __init__(self, proxy: FaultProxy) -> None:
        self.proxy = proxy

    def __enter__(self) -> None:
        with self.proxy._lock:
            self.proxy._in_flight += 1

    def __exit__(self, *exc: object) -> None:
        with self.proxy._idle:
            self.proxy._in_flight -= 1
            self.proxy._idle.notify_all()
