"""Typed identifiers. All are time-ordered UUIDs (v7) so inserts stay sequential in SQLite."""

from __future__ import annotations

from typing import NewType

import uuid6

MemberId = NewType("MemberId", str)
SaleId = NewType("SaleId", str)
EventId = NewType("EventId", str)
TerminalId = NewType("TerminalId", str)
StaffId = NewType("StaffId", str)
CardId = NewType("CardId", str)
RefundId = NewType("RefundId", str)


def new_id() -> str:
    """A new UUIDv7 as text."""
    return str(uuid6.uuid7())
