"""The fault proxy does what the property test relies on, checked against a tiny upstream that
records what reached it: each fault's effect on the client and on the server, loopback only."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import requests

from fault_proxy import FaultProxy


class Upstream(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.received: list[bytes] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class _Recorder(BaseHTTPRequestHandler):
    server: Upstream

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append(body)
        answer = b"got " + body + b" #%d" % len(self.server.received)
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def net() -> Iterator[tuple[Upstream, FaultProxy]]:
    upstream = Upstream()
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    proxy = FaultProxy(upstream.url, max_life_s=60, delays=(0.3, 0.3))
    yield upstream, proxy
    proxy.stop()
    upstream.shutdown()
    upstream.server_close()


def post(proxy: FaultProxy, body: bytes, timeout: float = 2.0, **headers: str) -> requests.Response:
    return requests.post(proxy.url + "/v1/events", data=body, timeout=timeout, headers=headers)


def test_pass_and_an_empty_schedule_forward_faithfully(net):
    upstream, proxy = net
    proxy.schedule(["pass"])
    assert post(proxy, b"a").text == "got a #1"
    assert post(proxy, b"b").text == "got b #2"
    assert upstream.received == [b"a", b"b"]


def test_drop_request_never_reaches_the_server(net):
    upstream, proxy = net
    proxy.schedule(["drop_request"])
    with pytest.raises(requests.ConnectionError):
        post(proxy, b"a")
    proxy.wait_idle()
    assert upstream.received == []


def test_drop_response_reaches_the_server_but_not_the_client(net):
    upstream, proxy = net
    proxy.schedule(["drop_response"])
    with pytest.raises(requests.ConnectionError):
        post(proxy, b"a")
    proxy.wait_idle()
    assert upstream.received == [b"a"]


def test_duplicate_sends_twice_and_answers_with_the_first(net):
    upstream, proxy = net
    proxy.schedule(["duplicate"])
    assert post(proxy, b"a").text == "got a #1"
    proxy.wait_idle()
    assert upstream.received == [b"a", b"a"]


def test_delay_longer_than_the_client_waits_arrives_late(net):
    upstream, proxy = net
    proxy.schedule(["delay"])
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        post(proxy, b"a", timeout=0.1)
    assert upstream.received == []  # not yet: the client already gave up
    assert proxy.wait_idle(5)
    assert upstream.received == [b"a"] and time.monotonic() - started >= 0.3


def test_reorder_forwards_the_held_request_after_a_later_one(net):
    upstream, proxy = net
    proxy.schedule(["reorder"])
    with pytest.raises(requests.Timeout):
        post(proxy, b"first", timeout=0.2)
    assert post(proxy, b"second").text == "got second #1"
    assert proxy.wait_idle(5)
    assert upstream.received == [b"second", b"first"]


def test_reorder_without_a_later_request_goes_after_the_hold(net):
    upstream, proxy = net
    proxy.schedule(["reorder"])
    assert post(proxy, b"alone", timeout=3).text == "got alone #1"  # waited HOLD_S, then forwarded


def test_offline_terminal_is_dropped_until_healed(net):
    upstream, proxy = net
    proxy.offline(["t-1"])
    with pytest.raises(requests.ConnectionError):
        post(proxy, b"a", **{"X-POS-Terminal": "t-1"})
    assert post(proxy, b"b", **{"X-POS-Terminal": "t-2"}).text == "got b #1"
    proxy.heal()
    assert post(proxy, b"c", **{"X-POS-Terminal": "t-1"}).text == "got c #2"
    assert proxy.seen == ["drop_request", "pass", "pass"]


def test_heal_releases_held_requests_and_waits_for_them(net):
    upstream, proxy = net
    proxy.schedule(["reorder"])
    with pytest.raises(requests.Timeout):
        post(proxy, b"held", timeout=0.1)
    proxy.heal()
    assert upstream.received == [b"held"]


@pytest.mark.parametrize("upstream", ["http://10.0.0.1:80", "http://example.com", "https://127.0.0.1:1"])
def test_only_loopback_http_upstreams(upstream):
    with pytest.raises(ValueError):
        FaultProxy(upstream)


def test_stops_by_itself_after_its_lifetime(net):
    upstream, _ = net
    proxy = FaultProxy(upstream.url, max_life_s=0.2)
    time.sleep(0.6)
    with pytest.raises(requests.ConnectionError):
        post(proxy, b"a", timeout=1)
