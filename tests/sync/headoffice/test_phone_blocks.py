"""Head office judges a Chinese mobile number in E.164 by its 5-digit block (members.e164_or_none):
that must say exactly what phonenumbers says of the whole number, for every block."""

from __future__ import annotations

import random

from hypothesis import given, strategies as st

from sync.headoffice import members


def _phonenumbers(text: str) -> str | None:
    return members._slow_e164.__wrapped__(text)  # the full check, not remembered


def test_every_block_judges_its_numbers_as_phonenumbers_does() -> None:
    rnd = random.Random(20261123)
    wrong = []
    for block in range(13000, 20000):
        for _ in range(2):
            number = f"+86{block}{rnd.randrange(10**6):06d}"
            if members.e164_or_none(number) != _phonenumbers(number):
                wrong.append(number)
    assert wrong == []


@given(st.from_regex(r"\+861[3-9][0-9]{9}", fullmatch=True))
def test_any_mobile_number(number: str) -> None:
    assert members.e164_or_none(number) == _phonenumbers(number)


def test_invalid_blocks_are_refused() -> None:
    assert members.e164_or_none("+8619200000000") == _phonenumbers("+8619200000000")
    assert members.e164_or_none("+8613800000000") == "+8613800000000"
    assert members.e164_or_none("not a phone") is None
