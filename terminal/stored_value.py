"""Stored value (储值): the top-up bonus rule and the balance as a sum of events. Pure; amounts in fen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from terminal.rules import Programme

CREDIT_KINDS = ("stored_value_topup", "stored_value_refunded")
DEBIT_KINDS = ("stored_value_spent",)
KINDS = CREDIT_KINDS + DEBIT_KINDS


def topup_bonus(programme: Programme, paid_fen: int) -> int:
    """充500送50: the bonus of the highest step the paid amount reaches, once per top-up."""
    bonus = 0
    for step in programme.stored_value.bonus:
        if paid_fen >= step.min_fen:
            bonus = step.bonus_fen
    return bonus


def balance(events: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
    """Sum of (kind, payload) stored-value events: credits add amount_fen, spending takes it."""
    total = 0
    for kind, payload in events:
        amount = int(payload.get("amount_fen", 0))
        if kind in CREDIT_KINDS:
            total += amount
        elif kind in DEBIT_KINDS:
            total -= amount
    return total
