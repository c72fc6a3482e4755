"""Member cards: an ASCII payload signed with the issuing terminal's Ed25519 key (key id inside),
verified offline against the public keys a terminal knows; plus QR rendering to PNG and PDF.

Payload: 'PM1.<key_id>.<card_id>.<member_id>.<issued_unix>.<signature b64url, no padding>'.
The signature covers everything before the last dot.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Container, Mapping

import qrcode
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from PIL import Image, ImageDraw, ImageFont

from terminal.errors import PosError

PREFIX = "PM1"
MAX_PAYLOAD_CHARS = 400
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_UUID_RE = re.compile(_UUID)
_KEY_ID_RE = re.compile(r"[0-9a-f]{16}")
_UNIX_RE = re.compile(r"0|[1-9][0-9]{0,11}")  # canonical decimal, no leading zeros
_B64URL_RE = re.compile(r"[A-Za-z0-9_-]+")

CARD_SIZE = (1011, 638)  # ID-1 card (85.6 x 54 mm) at 300 dpi
DPI = 300
_FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk")


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
    private = Ed25519PrivateKey.generate()
    public_raw = private.public_key().public_bytes_raw()
    return DeviceKey(key_id_for(public_raw), private.private_bytes_raw(), public_raw)


def key_id_for(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def sign_card(key: DeviceKey, card_id: str, member_id: str, issued_unix: int) -> str:
    if not (_UUID_RE.fullmatch(card_id) and _UUID_RE.fullmatch(member_id)):
        raise ValueError("card_id and member_id must be canonical lowercase UUID text")
    if not (isinstance(issued_unix, int) and _UNIX_RE.fullmatch(str(issued_unix))):
        raise ValueError(f"issued_unix out of range: {issued_unix!r}")
    body = f"{PREFIX}.{key.key_id}.{card_id}.{member_id}.{issued_unix}"
    signature = Ed25519PrivateKey.from_private_bytes(key.private_raw).sign(body.encode("ascii"))
    return f"{body}.{_b64url(signature)}"


def looks_like_card(text: str) -> bool:
    """Cheap test used by member lookup to route a query (starts with 'PM1.')."""
    return isinstance(text, str) and text.strip().startswith(PREFIX + ".")


def _parse(payload: object) -> tuple[CardClaims, str, str]:
    """(claims, signed body, signature text) of a well-formed payload, else card_malformed."""
    if not isinstance(payload, str) or len(payload) > 4 * MAX_PAYLOAD_CHARS:
        raise PosError("card_malformed")
    text = payload.strip()
    if not text.isascii() or len(text) > MAX_PAYLOAD_CHARS:
        raise PosError("card_malformed")
    parts = text.split(".")
    if len(parts) != 6:
        raise PosError("card_malformed")
    prefix, key_id, card_id, member_id, issued, sig = parts
    if (
        prefix != PREFIX
        or not _KEY_ID_RE.fullmatch(key_id)
        or not _UUID_RE.fullmatch(card_id)
        or not _UUID_RE.fullmatch(member_id)
        or not _UNIX_RE.fullmatch(issued)
        or not _B64URL_RE.fullmatch(sig)
    ):
        raise PosError("card_malformed")
    body = text[: text.rindex(".")]
    return CardClaims(key_id, card_id, member_id, int(issued)), body, sig


def _decode_signature(sig: str) -> bytes:
    """The 64 signature bytes; only the one canonical spelling is accepted (else card_forged)."""
    try:
        raw = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except (binascii.Error, ValueError):
        raise PosError("card_forged") from None
    if len(raw) != 64 or _b64url(raw) != sig:
        raise PosError("card_forged")
    return raw


def verify_card(payload: str, public_keys: Mapping[str, bytes], revoked: Container[str] = ()) -> CardClaims:
    """Claims of a genuine, unrevoked card; PosError card_malformed / card_unknown_key / card_forged /
    card_revoked otherwise. `revoked` holds card ids."""
    claims, body, sig = _parse(payload)
    public_raw = public_keys.get(claims.key_id)
    if public_raw is None:
        raise PosError("card_unknown_key", key_id=claims.key_id)
    signature = _decode_signature(sig)
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, body.encode("ascii"))
    except InvalidSignature:
        raise PosError("card_forged") from None
    if claims.card_id in revoked:
        raise PosError("card_revoked")
    return claims


# --- rendering ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _cjk_font_file(bold: bool) -> str | None:
    """A font file covering Simplified Chinese: known Noto paths, then fontconfig; None if none."""
    names = ["NotoSansCJK-Bold.ttc"] if bold else []
    names.append("NotoSansCJK-Regular.ttc")
    for folder in _FONT_DIRS:
        for name in names:
            if os.path.isfile(os.path.join(folder, name)):
                return os.path.join(folder, name)
    if shutil.which("fc-match") and shutil.which("fc-list"):
        style = ":style=Bold" if bold else ""

        def run(*args: str) -> str:
            try:
                return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout
            except (OSError, subprocess.SubprocessError):
                return ""

        zh = [f.strip().rstrip(":") for f in run("fc-list", ":lang=zh-cn", "file").splitlines()]
        zh = [f for f in zh if f]
        match = run("fc-match", "-f", "%{file}", f"Noto Sans CJK SC{style}").strip()
        if match in zh:  # fc-match falls back to any font; only take it if it covers Chinese
            return match
        if zh:
            return sorted(zh)[0]
    return None


@functools.lru_cache(maxsize=32)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _cjk_font_file(bold)
    if path is None:
        return ImageFont.load_default(size=size)
    index = 0
    if path.lower().endswith(".ttc"):  # a collection: prefer the Simplified Chinese face
        for i in range(10):
            try:
                family = ImageFont.truetype(path, size, index=i).getname()[0] or ""
            except OSError:
                break
            if family.endswith(" SC"):
                index = i
                break
    return ImageFont.truetype(path, size, index=index)


def _fit_text(
    draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False
) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, str]:
    """The font (shrunk down to 60% if needed) and the text (cut with '…' if still too wide)."""
    for s in range(size, int(size * 0.6) - 1, -2):
        font = _font(s, bold)
        if draw.textlength(text, font=font) <= width:
            return font, text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return font, text + "…"


def _qr_image(payload: str, max_px: int) -> Image.Image:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    qr.add_data(payload)
    qr.make(fit=True)
    modules = qr.modules_count + 2 * qr.border
    qr.box_size = max(1, max_px // modules)  # whole pixels per module keep edges sharp
    return qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")


def render_card(payload: str, out: Path, *, store_name: str, phone_masked: str, tier_name: str) -> Path:
    """Write a printable card (QR of exactly `payload`, store name, masked phone, tier) as .png or
    .pdf by the suffix of `out` (PosError out_file_type otherwise). CJK text needs a CJK font."""
    out = Path(out)
    kind = {".png": "PNG", ".pdf": "PDF"}.get(out.suffix.lower())
    if kind is None:
        raise PosError("out_file_type")
    width, height = CARD_SIZE
    margin = 40
    card = Image.new("RGB", CARD_SIZE, "white")
    qr = _qr_image(payload, height - 2 * margin)
    card.paste(qr, (margin, (height - qr.height) // 2))

    draw = ImageDraw.Draw(card)
    left = margin + qr.width + 30
    text_w = width - left - margin
    draw.rectangle((left, margin + 150, width - margin, margin + 154), fill=(180, 140, 60))
    rows = (
        (store_name, 64, True, margin + 50, "black"),
        (tier_name, 52, True, margin + 230, (150, 105, 30)),
        (phone_masked, 44, False, margin + 360, (60, 60, 60)),
    )
    for text, size, bold, y, colour in rows:
        font, shown = _fit_text(draw, text, text_w, size, bold)
        draw.text((left, y), shown, font=font, fill=colour)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    if kind == "PNG":
        card.save(tmp, format="PNG", dpi=(DPI, DPI))
    else:
        card.save(tmp, format="PDF", resolution=float(DPI), quality=95, subsampling=0)
    os.replace(tmp, out)
    return out
