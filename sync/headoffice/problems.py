"""Refusals: every 4xx the head office gives is a Refused, rendered as a protocol.Problem body
{code, reason}. The transaction it is raised in is rolled back, so a refusal changes nothing."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    def __init__(self, status: int, code: str, reason: str) -> None:
        super().__init__(f"{status} {code}: {reason}")
        self.status = status
        self.code = code
        self.reason = reason
        self.extra: dict[str, Any] = {}  # more Problem fields (acked_seq of a seq gap)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (a push worker process raises it, the server answers it)."""
        return (_refused, (self.status, self.code, self.reason, self.extra))


def _refused(status: int, code: str, reason: str, extra: dict[str, Any]) -> Refused:
    refused = Refused(status, code, reason)
    refused.extra.update(extra)
    return refused


def unauthorized(code: str, reason: str) -> Refused:
    return Refused(401, code, reason)


def forbidden(code: str, reason: str) -> Refused:
    return Refused(403, code, reason)


def conflict(code: str, reason: str) -> Refused:
    return Refused(409, code, reason)


def invalid(code: str, reason: str) -> Refused:
    return Refused(422, code, reason)
