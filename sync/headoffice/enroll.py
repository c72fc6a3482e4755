"""Enrollment: an admin makes a one-time, short-lived code for a store; a terminal sends it with its
id and Ed25519 public key and gets its store and the programme rules. Only a hash of the code is
stored. A terminal whose answer was lost may send the same code again and gets the same answer."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync import protocol
from sync.headoffice import feed, rulesdb
from sync.headoffice.db import Database
from sync.headoffice.problems import Refused, conflict, forbidden
from sync.headoffice.timekeys import parse, text
from terminal.cards import key_id_for
from terminal.ids import new_id

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
DEFAULT_TTL_MIN = 30


@dataclass(frozen=True)
class Code:
    code: str
    store_id: str
    store_name: str
    expires_at: datetime


def normalize(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def ensure_store(tx: Any, name: str, now: datetime) -> tuple[str, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("a store name is 1 to 100 characters")
    row = tx.one("SELECT store_id, name FROM stores WHERE name = ?", (name,))
    if row is not None:
        return row["store_id"], row["name"]
    store_id = new_id()
    tx.execute("INSERT INTO stores(store_id, name, created_at) VALUES (?, ?, ?)", (store_id, name, text(now)))
    return store_id, name


def create_code(db: Database, store: str, now: datetime, ttl_minutes: int = DEFAULT_TTL_MIN) -> Code:
    """A new code 'XXXX-XXXX-XXXX' (60 random bits) for `store` (created if new)."""
    if not 1 <= ttl_minutes <= 7 * 24 * 60:
        raise ValueError("ttl is 1 minute to 7 days")
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    expires = now + timedelta(minutes=ttl_minutes)
    with db.write() as tx:
        store_id, name = ensure_store(tx, store, now)
        tx.execute("INSERT INTO enroll_codes(code_hash, store_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                   (code_hash(code), store_id, text(now), text(expires)))
    return Code(code, store_id, name, expires)


def enroll(db: Database, req: protocol.EnrollRequest, now: datetime) -> protocol.EnrollResponse:
    public_raw = bytes.fromhex(req.public_key)
    with db.write() as tx:
        code = tx.one("SELECT * FROM enroll_codes WHERE code_hash = ?", (code_hash(req.code),))
        if code is None:
            raise forbidden("enroll_code_invalid", "no such enrollment code (check it, or ask for a new one)")
        existing = tx.one("SELECT * FROM terminals WHERE terminal_id = ?", (req.terminal_id,))
        retry = code["used_at"] is not None and code["terminal_id"] == req.terminal_id
        if retry and existing is not None and existing["public_key"] == req.public_key:
            if existing["revoked_at"] is not None:
                raise forbidden("terminal_revoked", f"terminal {req.terminal_id} was revoked")
        elif code["used_at"] is not None:
            raise forbidden("enroll_code_used", "this enrollment code was already used; codes work once")
        elif parse(code["expires_at"]) <= now:
            raise forbidden("enroll_code_expired", f"this enrollment code expired at {code['expires_at']}")
        elif existing is not None:
            raise conflict("terminal_exists", f"terminal {req.terminal_id} is already enrolled")
        elif tx.one("SELECT 1 AS x FROM terminals WHERE public_key = ?", (req.public_key,)) is not None:
            raise conflict("key_in_use", "this public key belongs to another terminal")
        else:
            tx.execute(
                "INSERT INTO terminals(terminal_id, store_id, public_key, key_id, name, enrolled_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (req.terminal_id, code["store_id"], req.public_key, key_id_for(public_raw), req.name, text(now)),
            )
            tx.execute("UPDATE enroll_codes SET used_at = ?, terminal_id = ? WHERE code_hash = ?",
                       (text(now), req.terminal_id, code["code_hash"]))
            feed.append(tx, "terminal_key", req.terminal_id)
        store = tx.one("SELECT store_id, name FROM stores WHERE store_id = ?", (code["store_id"],))
        version, toml = rulesdb.active(tx)
    if store is None:  # foreign keys make this impossible
        raise Refused(500, "internal", "the code's store is missing")
    return protocol.EnrollResponse(terminal_id=req.terminal_id, store_id=store["store_id"], store_name=store["name"],
                                   rules_version=version, rules_toml=toml, server_time=now)
