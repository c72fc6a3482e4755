"""Caring for a member's profile and privacy: edit the profile, marketing consent, blacklist, and
erasure on request (PIPL).

Roles (checked here, whatever the UI shows): a cashier may correct a name or birthday and record
the member's marketing consent at the till; changing the phone (the member's identity and the key
every lookup uses, so a wrong one hands the points to someone else) needs a manager, and so do
blacklisting, lifting a blacklist and erasure.

Events (what head office applies, sync/headoffice/members.py):
- member_updated {field: value, ...}: only the fields that changed, of phone (E.164), name and
  birthday (YYYY-MM-DD); a cleared name or birthday is null. Last writer wins per field.
- member_consent {marketing_consent: bool}: the time is the event's occurred_at (and the member's
  consent_at). Kept apart from member_updated, which head office accepts with profile fields only.
- member_blacklisted {reason} / member_unblacklisted {}.
- member_erased {reason}: no personal data.

Erasure removes phone, name and birthday from the member row (and any alias rows merged into it),
and from the payloads of the member's earlier member_registered / member_updated events: the one
in-place change of history, because the law requires it; every id and amount stays, so totals,
balances and reports still add up. Free-text reasons in the member's events have the member's
name and phone redacted. Audit rows are hash-chained and never rewritten, so they never hold
personal data in the first place (audit.py masks any phone; reasons are redacted before they are
written). The store runs with secure_delete, and the WAL is checkpointed and truncated after an
erase, so the removed bytes are not left in free pages or the WAL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from terminal import clock as clocks, phone as phones
from terminal.errors import PosError
from terminal.services import audit, lookup, reads
from terminal.services.context import Actor, Terminal, require
from terminal.services.members import MAX_NAME

PROFILE_FIELDS = ("phone", "name", "birthday")
PII_EVENT_KINDS = ("member_registered", "member_updated")
PROFILE_EVENT_KINDS = ("member_updated", "member_blacklisted", "member_unblacklisted", "member_erased")
MAX_REASON = 200


@dataclass(frozen=True)
class ProfileUpdated:
    member_id: str
    fields: tuple[str, ...]          # profile fields that changed (member_updated)
    consent_changed: bool
    changed: frozenset[str] = field(default=frozenset({"members"}))


@dataclass(frozen=True)
class StatusChanged:
    member_id: str
    status: str
    reason: str | None
    changed: frozenset[str] = field(default=frozenset({"members"}))


@dataclass(frozen=True)
class Erased:
    member_id: str
    events_scrubbed: int
    checkpointed: bool
    changed: frozenset[str] = field(default=frozenset({"members"}))


# -- profile --------------------------------------------------------------------------------------

def _clean_name(name: str) -> str | None:
    value = name.strip() or None
    if value is not None and len(value) > MAX_NAME:
        raise PosError("input_invalid", detail=f"name longer than {MAX_NAME}")
    return value


def _clean_birthday(birthday: str | date, now: datetime) -> str | None:
    if isinstance(birthday, str):
        if not birthday.strip():
            return None
        birthday = clocks.parse_date(birthday)
    if not (date(1900, 1, 1) <= birthday <= now.date()):
        raise PosError("date_invalid", text=str(birthday))
    return birthday.isoformat()


def update_profile(
    t: Terminal,
    actor: Actor,
    query: str,
    *,
    name: str | None = None,
    birthday: str | date | None = None,
    phone: str | None = None,
    marketing_consent: bool | None = None,
    at: datetime | None = None,
) -> ProfileUpdated:
    """Edit what is given (None: leave as is; "" clears a name or birthday; a phone cannot be
    cleared). Only fields whose value changes are written; nothing given at all is an error."""
    require(actor, "cashier")
    if name is None and birthday is None and phone is None and marketing_consent is None:
        raise PosError("profile_nothing")
    if phone is not None:
        require(actor, "manager")
    now = t.now(at)
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _clean_name(name)
    if birthday is not None:
        wanted["birthday"] = _clean_birthday(birthday, now)
    if phone is not None:
        wanted["phone"] = phones.normalize(phone)
    row = lookup.find_one(t, query)
    member_id = row["member_id"]
    with t.store.write() as conn:
        current = conn.execute("SELECT phone, name, birthday, marketing_consent FROM members WHERE member_id = ?",
                               (member_id,)).fetchone()
        before = dict(zip(("phone", "name", "birthday"), current[:3], strict=True))
        changes = {f: v for f, v in wanted.items() if before[f] != v}
        if "phone" in changes and conn.execute(
                "SELECT 1 FROM members WHERE phone = ? AND member_id != ?", (changes["phone"], member_id)).fetchone():
            raise PosError("phone_taken", phone=phones.mask(changes["phone"]))
        if changes:
            t.emit("member_updated", now, actor, member_id, changes)
            _apply_fields(conn, member_id, changes)
            audit.record(t, actor, "member_updated", now, member_id=member_id, fields=sorted(changes))
        consent_changed = marketing_consent is not None and current[3] != int(marketing_consent)
        if consent_changed:
            t.emit("member_consent", now, actor, member_id, {"marketing_consent": bool(marketing_consent)})
            conn.execute("UPDATE members SET marketing_consent = ?, consent_at = ? WHERE member_id = ?",
                         (int(bool(marketing_consent)), clocks.to_text(now), member_id))
            audit.record(t, actor, "marketing_consent", now, member_id=member_id, consent=bool(marketing_consent))
    return ProfileUpdated(member_id, tuple(sorted(changes)), consent_changed)


def _apply_fields(conn: sqlite3.Connection, member_id: str, changes: dict[str, Any]) -> None:
    sets = dict(changes)
    if "phone" in sets:
        sets["phone_last4"] = phones.last4(sets["phone"])
    cols = ", ".join(f"{c} = ?" for c in sets)
    conn.execute(f"UPDATE members SET {cols} WHERE member_id = ?", (*sets.values(), member_id))


# -- blacklist ------------------------------------------------------------------------------------

def _reason(reason: str | None, row: sqlite3.Row | dict[str, Any], extra: Iterable[str] = ()) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise PosError("reason_required")
    if len(text) > MAX_REASON:
        raise PosError("input_invalid", detail=f"reason longer than {MAX_REASON}")
    return audit.redact(text, audit.pii_strings([row["phone"], row["name"], *extra]))


def blacklist(t: Terminal, actor: Actor, query: str, reason: str, at: datetime | None = None) -> StatusChanged:
    """Refuse this member at the checkout (lookup.find_one(for_sale=True)) with the reason.
    Blacklisting again replaces the reason."""
    require(actor, "manager")
    now = t.now(at)
    row = lookup.find_one(t, query)
    text = _reason(reason, row)
    with t.store.write() as conn:
        t.emit("member_blacklisted", now, actor, row["member_id"], {"reason": text})
        conn.execute("UPDATE members SET status = 'blacklisted', blacklist_reason = ? WHERE member_id = ?",
                     (text, row["member_id"]))
        audit.record(t, actor, "member_blacklisted", now, member_id=row["member_id"], reason=text)
    return StatusChanged(row["member_id"], "blacklisted", text)


def unblacklist(t: Terminal, actor: Actor, query: str, at: datetime | None = None) -> StatusChanged:
    require(actor, "manager")
    now = t.now(at)
    row = lookup.find_one(t, query)
    if row["status"] != "blacklisted":
        raise PosError("member_not_blacklisted")
    with t.store.write() as conn:
        t.emit("member_unblacklisted", now, actor, row["member_id"], {})
        conn.execute("UPDATE members SET status = 'active', blacklist_reason = NULL WHERE member_id = ?",
                     (row["member_id"],))
        audit.record(t, actor, "member_unblacklisted", now, member_id=row["member_id"])
    return StatusChanged(row["member_id"], "active", None)


# -- erasure --------------------------------------------------------------------------------------

def erase(t: Terminal, actor: Actor, query: str, reason: str, at: datetime | None = None) -> Erased:
    """Erase a member on request (PIPL): see the module's docstring. Irreversible."""
    require(actor, "manager")
    now = t.now(at)
    row = lookup.find_one(t, query)
    member_id = row["member_id"]
    ids = reads.member_ids(t, member_id)
    with t.store.write():
        pii = audit.pii_strings([row["phone"], row["name"], *_pii_in_events(t, ids)])
        text = _reason(reason, row, pii)
        scrubbed = scrub(t, ids, pii)
        t.emit("member_erased", now, actor, member_id, {"reason": text})
        audit.record(t, actor, "member_erased", now, member_id=member_id, reason=text)
    return Erased(member_id, scrubbed, t.store.checkpoint())


def scrub(t: Terminal, ids: Iterable[str], pii: Iterable[str] | None = None) -> int:
    """Inside the caller's transaction: the members' rows lose phone, name, birthday (the canonical
    one becomes 'erased'), their profile events lose them too, and free-text reasons of their
    events lose any of `pii`. Returns how many event payloads were rewritten. Idempotent."""
    ids = tuple(ids)
    conn = t.store.conn
    marks = _marks(ids)
    pii = tuple(pii) if pii is not None else audit.pii_strings(_pii_in_events(t, ids))
    rewritten = 0
    for event_id, kind, payload in conn.execute(
            f"SELECT event_id, kind, payload FROM events WHERE member_id IN {marks}", ids).fetchall():
        body = json.loads(payload)
        new = dict(body)
        if kind in PII_EVENT_KINDS:
            new.update({f: None for f in PROFILE_FIELDS if f in new})
        if isinstance(new.get("reason"), str):
            new["reason"] = audit.redact(new["reason"], pii)
        if new != body:
            conn.execute("UPDATE events SET payload = ? WHERE event_id = ?", (_payload_text(new), event_id))
            rewritten += 1
    conn.execute(f"UPDATE members SET phone = NULL, phone_last4 = NULL, name = NULL, birthday = NULL,"
                 f" blacklist_reason = NULL, marketing_consent = NULL, consent_at = NULL"
                 f" WHERE member_id IN {marks}", ids)
    conn.execute("UPDATE members SET status = 'erased' WHERE member_id = ?", (ids[0],))
    return rewritten


def _marks(values: Iterable[Any]) -> str:
    return "(" + ",".join("?" * len(tuple(values))) + ")"


def _payload_text(payload: dict[str, Any]) -> str:
    # The store's canonical payload text (Store.append_event).
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _pii_in_events(t: Terminal, ids: tuple[str, ...]) -> list[str]:
    """Every phone and name the members' profile events ever held (an old phone before an edit too)."""
    marks = _marks(ids)
    out: list[str] = []
    for (payload,) in t.store.conn.execute(
            f"SELECT payload FROM events WHERE member_id IN {marks} AND kind IN {_marks(PII_EVENT_KINDS)}",
            (*ids, *PII_EVENT_KINDS)):
        body = json.loads(payload)
        out += [body[f] for f in ("phone", "name") if isinstance(body.get(f), str)]
    return out


# -- a pulled snapshot and this terminal's newer profile events -------------------------------------

def after_snapshot(t: Terminal, canonical: str, ids: list[str], includes_seq: int, status: str | None) -> None:
    """Inside the pull's transaction, after head office's profile was written: an erasure head
    office reports is carried out here too (events scrubbed), and this terminal's own profile
    events head office has not seen yet (seq > includes_seq) are laid on top, last one winning."""
    conn = t.store.conn
    marks = _marks(ids)
    if status == "erased":
        scrub(t, ids)
        return
    rows = conn.execute(
        f"SELECT kind, payload FROM events WHERE member_id IN {marks} AND seq > ?"
        f" AND kind IN {_marks(PROFILE_EVENT_KINDS)} ORDER BY seq",
        (*ids, includes_seq, *PROFILE_EVENT_KINDS)).fetchall()
    for kind, payload in rows:
        body = json.loads(payload)
        if kind == "member_erased":
            scrub(t, ids)
            return
        if kind == "member_blacklisted":
            conn.execute("UPDATE members SET status = 'blacklisted', blacklist_reason = ? WHERE member_id = ?",
                         (body.get("reason"), canonical))
        elif kind == "member_unblacklisted":
            conn.execute("UPDATE members SET status = 'active', blacklist_reason = NULL WHERE member_id = ?",
                         (canonical,))
        else:
            changes = {f: body[f] for f in PROFILE_FIELDS if f in body}
            if changes.get("phone") is None or conn.execute(
                    "SELECT 1 FROM members WHERE phone = ? AND member_id != ?",
                    (changes["phone"], canonical)).fetchone():
                changes.pop("phone", None)  # held by another member until head office merges them
            if changes:
                _apply_fields(conn, canonical, changes)
