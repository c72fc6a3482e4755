"""Members at head office: canonical ids and aliases, registration with the merge of a phone
registered twice, and the profile by last writer wins per field (member_updated edits and
member_consent {marketing, at}, ordered by (occurred_at, terminal_id, seq)); a merged-in
registration only fills fields still empty. A registration without a phone (the member was erased
on the terminal before its first push: phone null, erased true) makes a member without personal data.

A merge keeps the earliest registration by (occurred_at, terminal_id, seq): deterministic whatever
order the events arrive in. The other id becomes an alias; every event under an alias, even one
that arrives later, counts for the canonical member (reads take the whole group).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Sequence

from sync.headoffice import conflicts
from sync.headoffice.batch import Batch, Quarantine
from sync.headoffice.canonical import canonical_json, stored
from sync.headoffice.timekeys import key, parse, text
from terminal import phone as phones
from terminal.errors import PosError

PROFILE_KINDS = ("member_registered", "member_updated", "member_erased", "member_blacklisted",
                 "member_unblacklisted", "member_consent")
PROFILE_FIELDS = ("phone", "name", "birthday")


# An events read's bound on the projector's cursor ("applied": id <= upto), written so no index can
# serve it. The bound leaves out only the events stored after the cursor (a few, if any); the rows are
# found by member (events_member). PostgreSQL's statistics lag behind the newest member ids (it
# estimated 3 rows for 2,000 members), so it took `id <= ?` for the selective condition and read every
# event up to the bound through the primary key (a bitmap of the whole table) for each ledger read:
# a chunk's overdraft ledgers, each pull page's snapshots (16,000 pages of events a page of 500
# members on the sync benchmark), a member's profile events.
UPTO = "id + 0 <= ?"


def marks(ids: Sequence[str]) -> str:
    return "(" + ",".join("?" * len(ids)) + ")"


def resolve(tx: Any, member_id: str) -> str | None:
    """The canonical id for a member id or alias; None if head office does not know it."""
    row = tx.one("SELECT canonical_id FROM member_aliases WHERE alias_id = ?", (member_id,))
    if row is not None:
        return str(row["canonical_id"])
    if tx.one("SELECT 1 AS x FROM members WHERE member_id = ?", (member_id,)) is not None:
        return member_id
    return None


def group(tx: Any, canonical: str) -> list[str]:
    """The canonical id first, then its aliases."""
    rows = tx.all("SELECT alias_id FROM member_aliases WHERE canonical_id = ? ORDER BY alias_id", (canonical,))
    return [canonical, *(r["alias_id"] for r in rows)]


def resolve_many(tx: Any, member_ids: Any) -> dict[str, str | None]:
    """resolve() for many ids in two queries: id -> canonical id, or None if unknown."""
    todo = sorted(set(member_ids))
    out: dict[str, str | None] = {}
    for row in tx.all_in("SELECT alias_id, canonical_id FROM member_aliases WHERE alias_id IN {in}", todo):
        out[row["alias_id"]] = str(row["canonical_id"])
    rest = [i for i in todo if i not in out]
    found = {r["member_id"] for r in tx.all_in("SELECT member_id FROM members WHERE member_id IN {in}", rest)}
    for i in rest:
        out[i] = i if i in found else None
    return out


def groups(tx: Any, canonicals: Any) -> dict[str, list[str]]:
    """group() for many canonical ids in one query."""
    todo = sorted(set(canonicals))
    aliases: dict[str, list[str]] = {c: [] for c in todo}
    for row in tx.all_in("SELECT alias_id, canonical_id FROM member_aliases WHERE canonical_id IN {in}", todo):
        aliases[row["canonical_id"]].append(row["alias_id"])
    return {c: [c, *sorted(aliases[c])] for c in todo}


def _reg_order(row: Any) -> tuple[str, str, int]:
    return (row["reg_key"], row["reg_terminal"], int(row["reg_seq"]))


_CN_MOBILE_E164 = re.compile(r"\+861[3-9][0-9]{9}")


@lru_cache(maxsize=1 << 16)
def _slow_e164(text: str) -> str | None:
    try:
        return phones.normalize(text)
    except PosError:
        return None


def e164_or_none(text: str) -> str | None:
    """terminal.phone.normalize, None if invalid. phonenumbers takes ~60-170 µs a number, and each
    registration brings a new one: a Chinese mobile number already in E.164 (what terminals send)
    is judged by its block, the first 5 national digits, which decide its validity and type in
    phonenumbers' metadata for +86 1[3-9] (its mobile patterns look at 5 digits at most, e.g.
    1740[0-5]; tests/sync/test_phone_blocks.py checks every block against random numbers in it):
    7,000 blocks, each judged once."""
    if _CN_MOBILE_E164.fullmatch(text):
        block = text[:8] + "000000"
        return text if _slow_e164(block) == block else None
    return _slow_e164(text)


def _normalize_phone(value: Any) -> str:
    e164 = e164_or_none(str(value))
    if e164 is None:
        raise Quarantine(f"not a valid mobile number: {str(value)[:32]!r}")
    return e164


def consent_of(p: dict[str, Any], occurred_at: str) -> tuple[bool, str]:
    """member_consent {marketing: bool, at: ISO time} (or the older {marketing_consent: bool}, dated
    by occurred_at): (consent, its time as stored text); Quarantine if it says no yes or no."""
    given = p.get("marketing", p.get("marketing_consent"))
    if not isinstance(given, bool):
        raise Quarantine("member_consent takes marketing: true or false")
    if p.get("at") is None:
        return given, occurred_at
    try:
        return given, text(parse(p["at"]))
    except (ValueError, TypeError):
        raise Quarantine("at must be an ISO time with offset") from None


def _checked_registration(ev: Any) -> str | None:
    """The checks of a member_registered event (Quarantine); its phone in E.164, None when the
    registration carries none (erased before it was pushed)."""
    if ev.member_id is None:
        raise Quarantine("member_registered without member_id")
    p = ev.payload
    e164 = None if p.get("phone") is None else _normalize_phone(p["phone"])
    for name in ("name", "birthday", "referrer_id", "tier"):
        if p.get(name) is not None and not isinstance(p[name], str):
            raise Quarantine(f"{name} must be text")
    return e164


def _new_row(ev: Any, e164: str | None, now: str, when: tuple[str, str] | None = None) -> dict[str, Any]:
    p = ev.payload
    at, at_key = when or (text(ev.occurred_at), key(ev.occurred_at))
    personal = e164 is not None
    return {
        "member_id": ev.member_id, "phone": e164, "phone_last4": phones.last4(e164) if personal else None,
        "name": p.get("name") if personal else None, "birthday": p.get("birthday") if personal else None,
        "tier": p.get("tier") or "", "tier_since": at, "registered_at": at,
        "reg_key": at_key, "reg_terminal": ev.terminal_id, "reg_seq": ev.seq,
        "reg_tier": p.get("tier") or "", "referrer_id": p.get("referrer_id"),
        "status": "erased" if p.get("erased") is True else "active", "updated_at": now,
    }


def register_staged(st: Any, ev: Any, batch: Batch) -> str:
    """register() on a push batch's staged view (staged.Staged): a phone no live member has is an
    insert in memory; a phone another member holds (a merge) runs register() on the database,
    after writing what the batch staged so far."""
    e164 = _checked_registration(ev)
    if st.resolve(ev.member_id) is not None:
        raise Quarantine("member already registered")
    if e164 is not None and st.live_member_with_phone(e164) is not None:
        st.flush()
        st.stale = True
        return register(st.tx, ev, batch)
    batch.canon.clear()
    st.add_member(_new_row(ev, e164, text(batch.now), st.when(ev)))
    batch.touch(ev.member_id)
    return str(ev.member_id)


def register(tx: Any, ev: Any, batch: Batch) -> str:
    """member_registered {phone, name, birthday, referrer_id, tier}; returns the canonical id."""
    e164 = _checked_registration(ev)
    if resolve(tx, ev.member_id) is not None:
        raise Quarantine("member already registered")
    batch.canon.clear()  # a merge may follow: cached canonical ids could go stale
    now = text(batch.now)
    row = _new_row(ev, e164, now)
    live = None if e164 is None else tx.one("SELECT * FROM members WHERE phone = ? AND status <> 'merged'", (e164,))
    canonical = ev.member_id
    if live is not None and _reg_order(live) < _reg_order(row):
        canonical = live["member_id"]
        row["status"] = "merged"
    elif live is not None:
        _fold_into(tx, live["member_id"], ev.member_id, now)
    cols = list(row)
    tx.execute(f"INSERT INTO members({','.join(cols)}) VALUES {marks(cols)}", [row[c] for c in cols])
    if live is not None:
        loser = ev.member_id if canonical != ev.member_id else live["member_id"]
        tx.execute("INSERT INTO member_aliases(alias_id, canonical_id, merged_at) VALUES (?, ?, ?)",
                   (loser, canonical, now))
        _record_merge(tx, e164, canonical, loser)
        batch.regrouped.add(canonical)
        batch.profile.add(canonical)  # two registrations' fields: last writer wins
    batch.touch(canonical)
    return canonical


def _fold_into(tx: Any, loser: str, winner: str, now: str) -> None:
    """The loser (a canonical id) and its aliases become aliases of winner (the row may not exist
    yet: register inserts it right after)."""
    tx.execute("UPDATE members SET status = 'merged', updated_at = ? WHERE member_id = ?", (now, loser))
    tx.execute("UPDATE member_aliases SET canonical_id = ? WHERE canonical_id = ?", (winner, loser))


def merge(tx: Any, a: str, b: str, now: str) -> str:
    """Merge two canonical members (the same phone); returns the surviving canonical id."""
    rows = {r["member_id"]: r for r in tx.all("SELECT * FROM members WHERE member_id IN (?, ?)", (a, b))}
    winner, loser = sorted((a, b), key=lambda m: _reg_order(rows[m]))
    _fold_into(tx, loser, winner, now)
    tx.execute("INSERT INTO member_aliases(alias_id, canonical_id, merged_at) VALUES (?, ?, ?)", (loser, winner, now))
    _record_merge(tx, rows[winner]["phone"] or rows[loser]["phone"], winner, loser)
    return winner


def _record_merge(tx: Any, e164: str | None, canonical: str, alias: str) -> None:
    rows = {r["member_id"]: r for r in tx.all(
        "SELECT member_id, registered_at, reg_terminal, reg_seq FROM members WHERE member_id IN (?, ?)",
        (canonical, alias))}

    def did(member_id: str) -> dict[str, Any]:
        r = rows.get(member_id)
        if r is None:
            return {"member_id": member_id}
        return {"member_id": member_id, "terminal_id": r["reg_terminal"], "seq": r["reg_seq"],
                "registered_at": r["registered_at"]}

    conflicts.record(tx, "phone_merged", alias, canonical, {
        "phone": phones.mask(e164), "kept": did(canonical), "merged": did(alias),
        "rule": "the earliest registration by (occurred_at, terminal_id, seq) is kept",
    })


def recompute_profile(tx: Any, canonical: str, batch: Batch) -> str:
    """Last writer wins per field over the group's profile events, ordered (occurred_at,
    terminal_id, seq); erasure removes phone, name and birthday for good. Returns the canonical id
    (which changes if an updated phone joins another member's)."""
    ids = group(tx, canonical)
    rows = tx.all(
        f"SELECT event_id, kind, occurred_at, payload FROM events WHERE member_id IN {marks(ids)}"
        " AND event_id NOT IN (SELECT event_id FROM quarantined)"
        f" AND kind IN {marks(PROFILE_KINDS)} AND {UPTO} ORDER BY occurred_key, terminal_id, seq",
        (*ids, *PROFILE_KINDS, batch.upto),
    )
    fields: dict[str, Any] = {}
    status, reason, erased = "active", None, False
    consent: tuple[bool, str] | None = None
    for r in rows:
        p = stored(r["payload"])
        if r["kind"] == "member_registered":  # a merged registration only fills blanks: the earliest stands
            erased = erased or p.get("erased") is True
            for f in PROFILE_FIELDS:
                if p.get(f) is not None:
                    fields.setdefault(f, p[f])
        elif r["kind"] == "member_consent":
            consent = consent_of(p, r["occurred_at"])
        elif r["kind"] == "member_updated":
            fields.update({f: p[f] for f in PROFILE_FIELDS if f in p})
        elif r["kind"] == "member_blacklisted":
            status, reason = "blacklisted", p.get("reason")
        elif r["kind"] == "member_unblacklisted":
            status, reason = "active", None
        else:
            erased = True
    e164 = None
    if fields.get("phone") is not None:
        try:
            e164 = phones.normalize(str(fields["phone"]))
        except PosError:
            e164 = None
    if erased:
        fields, e164, status, reason = {}, None, "erased", None
        _scrub(tx, ids)
    if e164 is not None:
        other = tx.one("SELECT member_id FROM members WHERE phone = ? AND status <> 'merged' AND member_id <> ?",
                       (e164, canonical))
        if other is not None:
            batch.canon.clear()
            winner = merge(tx, canonical, other["member_id"], text(batch.now))
            batch.regrouped.add(winner)
            return recompute_profile(tx, winner, batch)
    tx.execute(
        "UPDATE members SET phone = ?, phone_last4 = ?, name = ?, birthday = ?, status = ?,"
        " blacklist_reason = ?, updated_at = ?, marketing_consent = ?, consent_at = ? WHERE member_id = ?",
        (e164, phones.last4(e164) if e164 else None, fields.get("name"), fields.get("birthday"), status, reason,
         text(batch.now), None if consent is None else int(consent[0]), None if consent is None else consent[1],
         canonical),
    )
    return canonical


def _scrub(tx: Any, ids: list[str]) -> None:
    """PIPL erasure: phone, name and birthday leave the profile, and the stored profile events
    are listed in `scrubs` for scrub_pending, which takes them out there too (events are in
    another file on SQLite: see db.py)."""
    tx.many("INSERT INTO scrubs(member_id) VALUES (?) ON CONFLICT (member_id) DO NOTHING", [(i,) for i in ids])
    tx.execute(f"UPDATE members SET phone = NULL, phone_last4 = NULL, name = NULL, birthday = NULL"
               f" WHERE member_id IN {marks(ids)}", ids)


def scrub_pending(db: Any) -> int:
    """Take phone, name and birthday out of the stored profile events of the members `scrubs`
    lists (the body hash stays, so a resent copy is still recognised as a duplicate), then clear
    the list: two transactions, in that order, so a stop in between only means the (idempotent)
    scrub is done again. The projector runs this after each chunk and before catching up.
    Returns how many members were scrubbed."""
    with db.read() as tx:
        ids = [r[0] for r in tx.tuples("SELECT member_id FROM scrubs ORDER BY member_id")]
    if not ids:
        return 0
    with db.write(only="ingest") as tx:
        rows = tx.all_in("SELECT event_id, payload FROM events WHERE member_id IN {in} AND kind IN (?, ?)",
                         ids, ("member_registered", "member_updated"))
        scrubbed = []
        for r in rows:
            p = stored(r["payload"])
            if any(p.get(f) is not None for f in PROFILE_FIELDS):
                p.update({f: None for f in PROFILE_FIELDS if f in p})
                scrubbed.append((canonical_json(p), r["event_id"]))
        tx.many("UPDATE events SET payload = ? WHERE event_id = ?", scrubbed)
    with db.write(only="main") as tx:
        tx.many("DELETE FROM scrubs WHERE member_id = ?", [(i,) for i in ids])
    return len(ids)
