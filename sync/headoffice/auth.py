"""Request signatures (sync.protocol): every request after enroll is signed by the terminal's
Ed25519 device key over METHOD, PATH(with query), sha256(body), TIMESTAMP and NONCE.

Head office holds only public keys, so nothing it stores could impersonate a terminal. A nonce is
recorded in the same transaction as the request's effect and refused if seen again within the skew
window; older nonces are purged (their timestamps are stale anyway).
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from sync import protocol
from sync.headoffice.db import Database
from sync.headoffice.problems import Refused, forbidden, unauthorized

_NONCE = re.compile(r"^[0-9a-f]{32}$")
_UUID = re.compile(protocol.UUID_PATTERN)
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^[A-Za-z0-9_-]{86}$")  # 64 bytes, base64url without padding


@dataclass(frozen=True)
class Authenticated:
    terminal_id: str
    store_id: str
    nonce: str
    timestamp: int


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None or value == "":
        raise unauthorized("unsigned", f"missing {name} header: every request after enroll must be signed")
    return value


def verify(db: Database, method: str, path: str, body: bytes, headers: Mapping[str, str], now: datetime) -> Authenticated:
    """The authenticated terminal, or 401/403 with the reason. The nonce is checked later, in the
    request's own transaction (record_nonce)."""
    terminal_id = _header(headers, protocol.HEADER_TERMINAL)
    timestamp = _header(headers, protocol.HEADER_TIMESTAMP)
    nonce = _header(headers, protocol.HEADER_NONCE)
    signature = _header(headers, protocol.HEADER_SIGNATURE)
    if not _UUID.match(terminal_id):
        raise unauthorized("unknown_terminal", f"{protocol.HEADER_TERMINAL} is not a terminal id")
    with db.read() as tx:
        row = tx.one("SELECT store_id, public_key, revoked_at FROM terminals WHERE terminal_id = ?", (terminal_id,))
    if row is None:
        raise unauthorized("unknown_terminal", f"terminal {terminal_id} is not enrolled here")
    if not _TIMESTAMP.match(timestamp):
        raise unauthorized("bad_timestamp", f"{protocol.HEADER_TIMESTAMP} must be unix seconds")
    skew = int(timestamp) - int(now.timestamp())
    if abs(skew) > protocol.MAX_SKEW_S:
        raise unauthorized("stale_timestamp", f"timestamp is {skew:+d} s from head office time; at most "
                           f"{protocol.MAX_SKEW_S} s either way (check the terminal's clock)")
    if not _NONCE.match(nonce):
        raise unauthorized("bad_nonce", f"{protocol.HEADER_NONCE} must be 32 lowercase hex characters")
    if not _SIGNATURE.match(signature):
        raise unauthorized("bad_signature", "the signature is not 64 bytes of base64url")
    try:
        raw = protocol.unb64url(signature)
        message = protocol.signing_message(method, path, body, timestamp, nonce)
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(row["public_key"])).verify(raw, message)
    except (InvalidSignature, ValueError, binascii.Error):
        raise unauthorized("bad_signature", "the signature does not verify with this terminal's key"
                           " over method, path, body hash, timestamp and nonce") from None
    if row["revoked_at"] is not None:
        raise forbidden("terminal_revoked", f"terminal {terminal_id} was revoked at {row['revoked_at']}")
    return Authenticated(terminal_id, row["store_id"], nonce, int(timestamp))


def record_nonce(tx: Any, who: Authenticated, now: datetime) -> None:
    """Inside the request's transaction: refuse a nonce seen before; purge stale ones."""
    tx.execute("DELETE FROM nonces WHERE ts < ?", (int(now.timestamp()) - 2 * protocol.MAX_SKEW_S,))
    cur = tx.execute("INSERT INTO nonces(terminal_id, nonce, ts) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                     (who.terminal_id, who.nonce, who.timestamp))
    if cur.rowcount == 0:
        raise Refused(401, "replayed_nonce", "this nonce was already used: a request is never accepted twice")


def record_nonce_alone(db: Database, who: Authenticated, now: datetime) -> None:
    """For requests that write nothing else (pull): the nonce in its own small transaction."""
    with db.write(lock=False, only="ingest") as tx:
        record_nonce(tx, who, now)

