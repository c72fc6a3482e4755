"""Phones: validated and normalised to E.164 with phonenumbers; last four digits; masked display."""

from __future__ import annotations

import phonenumbers

from terminal.errors import PosError


def normalize(text: str, region: str = "CN") -> str:
    """'138 1234 5678' / '+86 138-1234-5678' -> '+8613812345678'. Refuses anything not a valid mobile."""
    raw = (text or "").strip()
    if not raw or len(raw) > 32:
        raise PosError("phone_invalid", phone=raw[:32])
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise PosError("phone_invalid", phone=raw) from None
    if not phonenumbers.is_valid_number(number):
        raise PosError("phone_invalid", phone=raw)
    kind = phonenumbers.number_type(number)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise PosError("phone_invalid", phone=raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def last4(e164: str) -> str:
    return e164[-4:]


def national(e164: str) -> str:
    """The digits a cashier would type: '13812345678' for a Chinese number."""
    number = phonenumbers.parse(e164, None)
    return str(number.national_number)


def mask(e164: str | None) -> str:
    """'+8613812345678' -> '138****5678'. Erased members (no phone) show as '***'."""
    if not e164:
        return "***"
    digits = national(e164)
    if len(digits) <= 7:
        return "*" * (len(digits) - 4) + digits[-4:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def looks_like_phone(text: str) -> bool:
    stripped = text.strip().replace(" ", "").replace("-", "")
    return stripped.startswith("+") or (stripped.isdigit() and len(stripped) >= 7)
