"""A tiny signing test client for head office (independent of sync/client.py): an Ed25519 device
key, enroll, signed requests (with every part overridable, to forge bad ones), and builders for the
terminal's event payloads."""

from __future__ import annotations

import json
import random
import secrets
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import protocol
from terminal.ids import new_id

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)
EXPIRES = "2027-12-01T00:00:00.000000+08:00"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


_RANDOM = random.SystemRandom()  # not the `random` module, which hypothesis seeds alike per example


def random_phone() -> str:
    return "+86139" + "".join(_RANDOM.choice("0123456789") for _ in range(8))


class Till:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.key = Ed25519PrivateKey.generate()
        self.terminal_id = new_id()
        self.http = httpx.Client(base_url=base_url, timeout=60)
        self.log: list[dict[str, Any]] = []
        self.acked = 0
        self.cursor = 0
        self.members: dict[str, dict[str, Any]] = {}  # canonical id -> latest snapshot
        self.quarantined: dict[int, str] = {}  # seq -> reason, as pulls reported them
        self.aliases: dict[str, str] = {}

    @property
    def public_hex(self) -> str:
        return self.key.public_key().public_bytes_raw().hex()

    def enroll(self, code: str, name: str | None = "till") -> httpx.Response:
        body = {"code": code, "terminal_id": self.terminal_id, "public_key": self.public_hex}
        if name is not None:
            body["name"] = name
        return self.http.post("/v1/enroll", json=body)

    # -- signed requests ------------------------------------------------------------------------
    def headers(self, method: str, path: str, body: bytes, *, ts: str | None = None, nonce: str | None = None,
                key: Ed25519PrivateKey | None = None, terminal_id: str | None = None) -> dict[str, str]:
        ts = ts if ts is not None else str(int(time.time()))
        nonce = nonce if nonce is not None else secrets.token_hex(16)
        signature = (key or self.key).sign(protocol.signing_message(method, path, body, ts, nonce))
        return {
            protocol.HEADER_TERMINAL: terminal_id or self.terminal_id,
            protocol.HEADER_TIMESTAMP: ts,
            protocol.HEADER_NONCE: nonce,
            protocol.HEADER_SIGNATURE: protocol.b64url(signature),
            "content-type": "application/json",
        }

    def send(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
             **sign: Any) -> httpx.Response:
        if headers is None:
            headers = self.headers(method, path, body, **sign)
        return self.http.request(method, path, content=body, headers=headers)

    def push(self, events: list[dict[str, Any]] | None = None, **sign: Any) -> httpx.Response:
        """Push the given events (default: everything not yet acked)."""
        if events is None:
            events = [e for e in self.log if e["seq"] > self.acked]
        response = self.send("POST", "/v1/events", json.dumps({"events": events}).encode(), **sign)
        if response.status_code == 200:
            self.acked = max(self.acked, response.json()["acked_seq"])
        return response

    def pull(self, cursor: int = 0, limit: int = 100, **sign: Any) -> httpx.Response:
        return self.send("GET", f"/v1/changes?cursor={cursor}&limit={limit}", **sign)

    def pull_all(self, cursor: int = 0, limit: int = 200) -> tuple[list[dict[str, Any]], int]:
        changes: list[dict[str, Any]] = []
        while True:
            response = self.pull(cursor, limit)
            assert response.status_code == 200, response.text
            doc = response.json()
            changes.extend(doc["changes"])
            self.quarantined.update((q["seq"], q["reason"]) for q in doc["quarantined"])
            cursor = doc["cursor"]
            if not doc["more"]:
                return changes, cursor

    def sync_pull(self) -> list[dict[str, Any]]:
        """Pull from this till's cursor, keeping the latest snapshot of each member."""
        changes, self.cursor = self.pull_all(self.cursor)
        for change in changes:
            m = change["member"]
            if m:
                self.members[m["member_id"]] = m
                for alias in m["aliases"]:
                    self.aliases[alias] = m["member_id"]
                    self.members.pop(alias, None)
        return changes

    def member(self, member_id: str) -> dict[str, Any]:
        """The latest snapshot of a member, by canonical id or alias."""
        self.sync_pull()
        canonical = self.aliases.get(member_id, member_id)
        assert canonical in self.members, f"member {member_id} not in the feed"
        return self.members[canonical]

    # -- events ---------------------------------------------------------------------------------
    def event(self, kind: str, payload: dict[str, Any], member_id: str | None = None,
              when: datetime | None = None) -> dict[str, Any]:
        ev = {"event_id": new_id(), "terminal_id": self.terminal_id, "seq": len(self.log) + 1, "kind": kind,
              "occurred_at": (when or at(len(self.log))).isoformat(), "member_id": member_id, "staff_id": "s1",
              "payload": payload}
        self.log.append(ev)
        return ev

    def register(self, phone: str | None = None, when: datetime | None = None, name: str | None = "会员",
                 member_id: str | None = None) -> str:
        member_id = member_id or new_id()
        self.event("member_registered", {"phone": phone or random_phone(), "name": name, "birthday": None,
                                         "referrer_id": None, "tier": "regular"}, member_id, when)
        return member_id

    def sale(self, member_id: str | None, payable_fen: int, when: datetime | None = None) -> str:
        sale_id = new_id()
        self.event("sale", {"sale_id": sale_id, "payable_fen": payable_fen, "points_redeemed": 0, "lines": []},
                   member_id, when)
        return sale_id

    def earn(self, member_id: str, points: int, when: datetime | None = None) -> str:
        return str(self.event("points_earned", {"sale_id": new_id(), "points": points, "expires_at": EXPIRES},
                              member_id, when)["event_id"])

    def redeem(self, member_id: str, points: int, when: datetime | None = None) -> str:
        return str(self.event("points_redeemed", {"sale_id": new_id(), "points": points, "offline": True},
                              member_id, when)["event_id"])
