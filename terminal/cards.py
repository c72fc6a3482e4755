"""Member cards: an ASCII payload signed with the issuing terminal's Ed25519 key (key id inside),
verified offline against the public keys a terminal knows; plus QR rendering to PNG and PDF.

Payload: 'PM1.<key_id>.<card_id>.<member_id>.<issued_unix>.<signature b64url, no padding>'.
The signature covers everything before the last dot.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Container, Mapping


@dataclass(frozen=True)
class DeviceKey:
    key_id: str  # 16 hex chars of sha256(raw public key)
    private_raw: bytes  # 32 bytes
    public_raw: bytes  # 32 bytes


@dataclass(frozen=True)
class CardClaims:
    key_id: str
    card_id: str
    member_id: str
    issued_unix: int


def new_device_key() -> DeviceKey:
    raise NotImplementedError


def key_id_for(public_raw: bytes) -> str:
    raise NotImplementedError


def sign_card(key: DeviceKey, card_id: str, member_id: str, issued_unix: int) -> str:
    raise NotImplementedError


def looks_like_card(text: str) -> bool:
    """Cheap test used by member lookup to route a query (starts with 'PM1.')."""
    raise NotImplementedError


def verify_card(payload: str, public_keys: Mapping[str, bytes], revoked: Container[str] = ()) -> CardClaims:
    """Claims of a genuine, unrevoked card; PosError card_malformed / card_unknown_key / card_forged /
    card_revoked otherwise. `revoked` holds card ids."""
    raise NotImplementedError


def render_card(payload: str, out: Path, *, store_name: str, phone_masked: str, tier_name: str) -> Path:
    """Write a printable card (QR of exactly `payload`, store name, masked phone, tier) as .png or
    .pdf by the suffix of `out` (PosError out_file_type otherwise). CJK text needs a CJK font."""
    raise NotImplementedError
