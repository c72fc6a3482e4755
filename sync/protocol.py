"""The sync wire protocol, version 1: models shared by the terminal client and the head office,
and the request signature. Documented at /docs by the server (OpenAPI).

Identity: a terminal's id and Ed25519 device key are made at `pos-terminal init`. Enrolling sends the
id and public key with a one-time code; head office records them and answers with the store and the
programme. The same key signs member cards (key id = terminal.cards.key_id_for(public key)).

Every request after enroll carries these headers, and the signature covers
    METHOD \\n PATH(with query) \\n sha256hex(body) \\n TIMESTAMP \\n NONCE
- X-POS-Terminal: terminal id      - X-POS-Timestamp: unix seconds (|skew| <= MAX_SKEW_S)
- X-POS-Nonce: 32 hex chars, never reused by that terminal within the skew window
- X-POS-Signature: base64url (no padding) Ed25519 signature

Push (POST /v1/events): the terminal's unacknowledged events in seq order, 1..MAX_PUSH per request
(a terminal sends up to MAX_PUSH while it catches up; head office refuses more with 413
batch_too_large, and a terminal talking to an older head office, whose limit was MAX_BATCH, falls back
to MAX_BATCH), contiguous, starting at or below head office's next expected seq (resent events are
fine). Events must be the authenticated terminal's own. Head office stores each event_id once,
forever; the same event_id (or terminal_id+seq) with a different body is refused (409). A seq gap is
refused (409 seq_gap) with the Problem's `acked_seq` = the highest contiguous seq head office holds
for the terminal, so a terminal restored from an old backup resends from acked_seq + 1. The reply,
sent after commit, gives acked_seq = the highest contiguous seq head office holds for the terminal,
and per event: 'stored' (new: stored durably, exactly once), or 'duplicate' (held already; its
`reason` says why if head office quarantined it).
Head office applies stored events to its projections (balances, lots, tiers, conflicts, the change
feed) after the reply, in arrival order, and always before it answers anything that reads them. A
well-formed event that cannot be applied (unknown member, say) is then stored as 'quarantined' and
stays acknowledged, so one bad event never jams the queue: the terminal learns it from the next pull
(PullResponse.quarantined, each once in the feed's order) or from a resend ('duplicate' with the
reason).

Pull (GET /v1/changes?cursor=C&limit=N): changes after the cursor, oldest first. A change is a whole
snapshot of one thing (member, terminal_key, rules), so applying the latest one is enough. A member
snapshot's `includes_seq` says through which of *the requesting terminal's* seqs it includes that
terminal's events: the terminal adds only its own events with seq > includes_seq on top. Every
event pushed before the pull is applied in what it returns. `quarantined` lists the requesting
terminal's events head office could not apply, found since the cursor.

Compatibility: fields are only ever added (with defaults), never renamed or dropped. Head office
refuses a request with an unknown field (422); the terminal ignores unknown fields in a reply, so a
newer head office's additions never break a till in the field.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

VERSION = 1
MAX_BATCH = 500  # the batch of protocol v1's first head offices (their 413 limit)
MAX_PUSH = 5000  # the most events one push may carry (413 above)
MAX_SKEW_S = 300
HEADER_TERMINAL = "X-POS-Terminal"
HEADER_TIMESTAMP = "X-POS-Timestamp"
HEADER_NONCE = "X-POS-Nonce"
HEADER_SIGNATURE = "X-POS-Signature"

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class _Wire(BaseModel):
    """A request head office reads: strict, an unknown field is a 422."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class _Reply(BaseModel):
    """What the terminal reads from head office (replies, and every model inside them): an unknown
    field is ignored, so a newer head office can add fields without breaking tills in the field."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class WireEvent(_Wire):
    event_id: str = Field(pattern=UUID_PATTERN)
    terminal_id: str = Field(pattern=UUID_PATTERN)
    seq: int = Field(ge=1)
    kind: str = Field(pattern=r"^[a-z][a-z_]{1,40}$")
    occurred_at: AwareDatetime
    member_id: str | None = Field(default=None, pattern=UUID_PATTERN)
    staff_id: str | None = Field(default=None, max_length=64)
    payload: dict[str, Any]


class EnrollRequest(_Wire):
    code: str = Field(min_length=6, max_length=64)
    terminal_id: str = Field(pattern=UUID_PATTERN)
    public_key: str = Field(pattern=r"^[0-9a-f]{64}$")  # raw Ed25519 public key, hex
    name: str | None = Field(default=None, max_length=100)


class EnrollResponse(_Reply):
    terminal_id: str
    store_id: str
    store_name: str
    rules_version: str
    rules_toml: str
    server_time: AwareDatetime


class PushRequest(_Wire):
    events: list[WireEvent] = Field(min_length=1, max_length=MAX_PUSH)


class EventResult(_Reply):
    event_id: str
    seq: int
    status: Literal["stored", "duplicate", "quarantined"]
    reason: str | None = None


class PushResponse(_Reply):
    acked_seq: int
    results: list[EventResult]


class PushAck(_Reply):
    """A PushResponse as a terminal reads it: acked_seq checked, each result kept as plain data
    (the terminal only logs the quarantined ones; a model per result cost more than the rest of
    reading the reply)."""

    acked_seq: int
    results: list[Any] = []


class PointsLot(_Reply):
    lot_id: str
    earned_at: AwareDatetime
    expires_at: AwareDatetime
    points: int
    remaining: int


class PointsSnapshot(_Reply):
    lots: list[PointsLot]
    deficit: int = Field(le=0)
    flagged: bool
    consumed: dict[str, list[tuple[str, int]]]  # redemption event id -> [(lot_id, points)]


class SpendRecord(_Reply):
    ref_id: str  # the sale or refund id
    occurred_at: AwareDatetime
    qualifying_fen: int
    is_purchase: bool
    terminal_id: str


class CouponRecord(_Reply):
    code: str
    template: str
    issued_at: AwareDatetime
    valid_from: AwareDatetime
    valid_to: AwareDatetime
    used_sale_id: str | None = None
    used_at: AwareDatetime | None = None


class CardRecord(_Reply):
    card_id: str
    key_id: str
    payload: str
    issued_at: AwareDatetime
    revoked_at: AwareDatetime | None = None


class MemberSnapshot(_Reply):
    member_id: str  # the canonical id after merges
    aliases: list[str] = []  # ids merged into this member
    phone: str | None  # E.164; None once erased
    name: str | None
    birthday: str | None
    tier: str
    tier_since: AwareDatetime
    registered_at: AwareDatetime
    status: Literal["active", "blacklisted", "erased"]
    blacklist_reason: str | None = None
    includes_seq: int  # the requesting terminal's events through this seq are included
    points: PointsSnapshot
    spends: list[SpendRecord]
    coupons: list[CouponRecord]
    cards: list[CardRecord]
    bonus_months: dict[str, int]  # "2026-11" -> points
    stored_value_fen: int = 0  # topup + refunded - spent {amount_fen}; may be < 0
    earned_tier: str | None = None  # the tier by spending alone (`tier` without a paid membership)
    earned_since: AwareDatetime | None = None
    paid_tier: str | None = None  # the paid membership (membership_purchased) ending last, if any
    paid_until: str | None = None  # ISO time its period ends (exclusive); `tier` counts it while in force
    marketing_consent: bool | None = None  # member_consent, last writer wins; None: never given
    consent_at: str | None = None  # ISO time of that consent event


class TerminalKey(_Reply):
    terminal_id: str
    key_id: str
    public_key: str
    revoked: bool


class RulesChange(_Reply):
    version: str
    toml: str


class Change(_Reply):
    id: int
    kind: Literal["member", "terminal_key", "rules"]
    member: MemberSnapshot | None = None
    terminal_key: TerminalKey | None = None
    rules: RulesChange | None = None


class PullResponse(_Reply):
    cursor: int  # pass back as ?cursor= next time
    more: bool
    changes: list[Change]
    quarantined: list[EventResult] = []  # the requesting terminal's events found unappliable since the cursor


class ChangeHead(_Reply):
    """What a terminal checks of each change before applying it (the rest is read by the apply
    code, which skips a change it cannot apply, alone: one bad change never jams the feed)."""

    id: int
    kind: Literal["member", "terminal_key", "rules"]


class PullPage(_Reply):
    """A PullResponse as a terminal reads it: checked to here, the changes kept as plain data
    (validating every member snapshot as the model cost the terminal more than applying it)."""

    cursor: int
    more: bool
    changes: list[ChangeHead]
    quarantined: list[EventResult] = []


class Health(_Reply):
    """GET /v1/health (unsigned): liveness and the server's clock, to check a terminal's skew."""

    status: Literal["ok"]
    protocol_version: int
    server_time: AwareDatetime


class Problem(_Reply):
    """Every 4xx body: a stable code and a reason a person can read (and, with 409 seq_gap, the
    highest contiguous seq head office holds for the terminal)."""

    code: str
    reason: str
    acked_seq: int | None = None


# -- signing ----------------------------------------------------------------------------------

def signing_message(method: str, path: str, body: bytes, timestamp: str, nonce: str) -> bytes:
    return "\n".join([method.upper(), path, hashlib.sha256(body).hexdigest(), timestamp, nonce]).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def now_unix(moment: datetime) -> str:
    return str(int(moment.timestamp()))
