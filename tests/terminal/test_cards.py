"""Signed member cards: genuine cards verify, anything else is refused; printed QR scans back."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from terminal.cards import (
    CardClaims,
    key_id_for,
    looks_like_card,
    new_device_key,
    render_card,
    sign_card,
    verify_card,
)
from terminal.errors import PosError
from terminal.ids import new_id

KEY = new_device_key()
KEYS = {KEY.key_id: KEY.public_raw}
CARD_ID, MEMBER_ID, ISSUED = new_id(), new_id(), 1_795_000_000
CARD = sign_card(KEY, CARD_ID, MEMBER_ID, ISSUED)
CLAIMS = CardClaims(KEY.key_id, CARD_ID, MEMBER_ID, ISSUED)
B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
REFUSED = {"card_malformed", "card_forged", "card_unknown_key"}


def refusal(payload: str, keys: dict[str, bytes] = KEYS, revoked: object = ()) -> str:
    with pytest.raises(PosError) as err:
        verify_card(payload, keys, revoked)  # type: ignore[arg-type]
    return err.value.code


def signed_by(private_raw: bytes, body: str) -> str:
    sig = Ed25519PrivateKey.from_private_bytes(private_raw).sign(body.encode("ascii"))
    return body + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


def decode_qr(path: Path) -> list[str]:
    with Image.open(path) as im:
        return [b.text for b in zxingcpp.read_barcodes(im) if b.format == zxingcpp.BarcodeFormat.QRCode]


def test_genuine_card_verifies_to_its_claims() -> None:
    assert verify_card(CARD, KEYS) == CLAIMS
    assert verify_card(f"  {CARD}\r\n", KEYS) == CLAIMS  # scanners add line ends


def test_key_id_is_the_sha256_prefix_of_the_public_key() -> None:
    assert KEY.key_id == key_id_for(KEY.public_raw) == hashlib.sha256(KEY.public_raw).hexdigest()[:16]
    assert new_device_key().key_id != KEY.key_id
    assert CARD.split(".")[1] == KEY.key_id


def test_card_of_a_second_known_terminal_verifies() -> None:
    other = new_device_key()
    card = sign_card(other, CARD_ID, MEMBER_ID, ISSUED)
    claims = verify_card(card, {**KEYS, other.key_id: other.public_raw})
    assert claims.key_id == other.key_id and claims.member_id == MEMBER_ID


@pytest.mark.parametrize("field", ["card_id", "member_id"])  # names: ids must match across xdist
def test_every_single_character_change_to_an_id_is_refused(field: str) -> None:
    value = {"card_id": CARD_ID, "member_id": MEMBER_ID}[field]
    start = CARD.index(value)
    assert CARD.count(value) == 1
    for i in range(start, start + len(value)):
        for ch in "0123456789abcdefABCDEFg-. ":
            if ch != CARD[i]:
                altered = CARD[:i] + ch + CARD[i + 1 :]
                assert refusal(altered) in {"card_malformed", "card_forged"}, altered


def test_every_single_character_change_to_the_signature_is_forged() -> None:
    start = CARD.rindex(".") + 1
    for i in range(start, len(CARD)):
        for ch in B64URL:
            if ch != CARD[i]:
                assert refusal(CARD[:i] + ch + CARD[i + 1 :]) == "card_forged", (i, ch)


def test_someone_elses_member_id_on_a_card_is_forged() -> None:
    assert refusal(CARD.replace(MEMBER_ID, new_id())) == "card_forged"
    assert refusal(CARD.replace(str(ISSUED), str(ISSUED + 1))) == "card_forged"
    assert refusal(CARD[: CARD.rindex(".")] + ".") == "card_malformed"  # signature cut off


edits = st.lists(
    st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.integers(0, len(CARD)), st.characters()),
    min_size=1,
    max_size=3,
)


@settings(max_examples=300, deadline=None)
@given(edits)
def test_any_change_to_the_payload_is_refused_never_accepted_with_other_claims(changes: list) -> None:
    text = CARD
    for op, pos, ch in changes:
        pos = min(pos, len(text))
        if op == "replace" and pos < len(text):
            text = text[:pos] + ch + text[pos + 1 :]
        elif op == "insert":
            text = text[:pos] + ch + text[pos:]
        elif op == "delete" and pos < len(text):
            text = text[:pos] + text[pos + 1 :]
    if text.strip() == CARD:  # only blank space around the genuine text may be added
        assert verify_card(text, KEYS) == CLAIMS
    else:
        assert refusal(text) in REFUSED


def test_card_from_an_unknown_terminal_is_refused_with_its_key_id() -> None:
    stranger = new_device_key()
    with pytest.raises(PosError) as err:
        verify_card(sign_card(stranger, CARD_ID, MEMBER_ID, ISSUED), KEYS)
    assert err.value.code == "card_unknown_key"
    assert stranger.key_id in err.value.message("en") and stranger.key_id in err.value.message("zh")


def test_card_signed_by_another_key_claiming_a_known_key_id_is_forged() -> None:
    stranger = new_device_key()
    body = f"PM1.{KEY.key_id}.{CARD_ID}.{new_id()}.{ISSUED}"
    assert refusal(signed_by(stranger.private_raw, body)) == "card_forged"
    assert verify_card(signed_by(KEY.private_raw, body), KEYS).member_id == body.split(".")[3]


def test_revoked_card_is_refused_and_others_still_work() -> None:
    assert refusal(CARD, revoked={CARD_ID}) == "card_revoked"
    assert verify_card(CARD, KEYS, revoked={new_id(), MEMBER_ID}) == CLAIMS
    new_card = sign_card(KEY, new_id(), MEMBER_ID, ISSUED + 60)  # the replacement card
    assert verify_card(new_card, KEYS, revoked={CARD_ID}).member_id == MEMBER_ID


def test_signature_is_checked_before_revocation() -> None:
    forged = signed_by(new_device_key().private_raw, f"PM1.{KEY.key_id}.{CARD_ID}.{MEMBER_ID}.{ISSUED}")
    assert refusal(forged, revoked={CARD_ID}) == "card_forged"


GARBAGE = [
    "",
    "   ",
    "PM1",
    "PM1.",
    "PM1.....",
    "hello world",
    "13800138000",
    "\x00" * 8,
    CARD + ".",
    CARD + ".AAAA",
    "PM2" + CARD[3:],
    CARD.replace(KEY.key_id, KEY.key_id.upper()) if KEY.key_id != KEY.key_id.upper() else "PM1.X",
    CARD.replace(MEMBER_ID, MEMBER_ID.upper()),
    CARD.replace(MEMBER_ID, MEMBER_ID.replace("-", "")),
    CARD.replace(str(ISSUED), "0" + str(ISSUED)),
    CARD.replace(str(ISSUED), "-" + str(ISSUED)),
    CARD.replace(str(ISSUED), "１７９５０００００００"),  # full-width digits
    CARD.replace(".", "。", 1),
    CARD[:20] + "会员" + CARD[20:],
    CARD + "=",
    "PM1." + "A" * 10_000,
    CARD + " " * 1_000 + "x",
    "PM1." * 2_000_000,
]


@pytest.mark.parametrize("garbage", GARBAGE, ids=[f"garbage{i}" for i in range(len(GARBAGE))])
def test_garbage_is_not_a_member_card(garbage: str) -> None:
    assert refusal(garbage) == "card_malformed"


def test_looks_like_card_routes_only_card_text() -> None:
    assert looks_like_card(CARD) and looks_like_card(f" {CARD}\n") and looks_like_card("PM1.bad")
    for query in ["", "5678", "13800138000", "PM1", "张三", MEMBER_ID]:
        assert not looks_like_card(query)


def test_sign_card_refuses_ids_no_terminal_could_verify() -> None:
    for card_id, member_id, issued in [
        (CARD_ID.upper(), MEMBER_ID, ISSUED),
        (CARD_ID, "member-1", ISSUED),
        (CARD_ID, MEMBER_ID, -1),
    ]:
        with pytest.raises(ValueError):
            sign_card(KEY, card_id, member_id, issued)


# --- printed cards ---------------------------------------------------------------------------

FIELDS = {"store_name": "星光便利店（徐汇店）", "phone_masked": "138****5678", "tier_name": "金卡会员"}


def test_png_card_scans_back_to_exactly_the_payload(tmp_path: Path) -> None:
    out = render_card(CARD, tmp_path / "new" / "dir" / "card.png", **FIELDS)
    assert out == tmp_path / "new" / "dir" / "card.png"
    with Image.open(out) as im:
        assert im.format == "PNG" and im.size == (1011, 638)
        assert [round(d) for d in im.info["dpi"]] == [300, 300]
    assert decode_qr(out) == [CARD]
    assert verify_card(decode_qr(out)[0], KEYS) == CLAIMS


def test_pdf_card_prints_a_qr_that_scans_back(tmp_path: Path) -> None:
    out = render_card(CARD, tmp_path / "card.pdf", **FIELDS)
    assert out.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftoppm"), "pdftoppm missing: install poppler-utils"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(out), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    assert decode_qr(pages[0]) == [CARD]


@pytest.mark.parametrize(
    "field, other",
    [("store_name", "样例百货店（静安店）"), ("tier_name", "银卡会员"), ("phone_masked", "139****1234")],
)
def test_each_text_field_is_drawn_in_a_font_with_its_glyphs(tmp_path: Path, field: str, other: str) -> None:
    # With a font lacking CJK glyphs both would render as the same row of empty boxes.
    a = render_card(CARD, tmp_path / "a.png", **FIELDS)
    b = render_card(CARD, tmp_path / "b.png", **{**FIELDS, field: other})
    with Image.open(a) as ia, Image.open(b) as ib:
        assert ia.tobytes() != ib.tobytes()


def test_long_store_name_does_not_spoil_the_qr(tmp_path: Path) -> None:
    out = render_card(CARD, tmp_path / "long.png", **{**FIELDS, "store_name": "超长店名" * 20})
    assert decode_qr(out) == [CARD]


@pytest.mark.parametrize("name", ["card.jpg", "card.txt", "card", "card.png.bak"])
def test_only_png_or_pdf_output(tmp_path: Path, name: str) -> None:
    with pytest.raises(PosError) as err:
        render_card(CARD, tmp_path / name, **FIELDS)
    assert err.value.code == "out_file_type"
    assert list(tmp_path.iterdir()) == []
