"""Schema migrations for both backends: numbered steps, applied in order inside one (locked) write
transaction, recorded in schema_version. Add a step, never edit a released one.

Times are ISO 8601 text with offset; `*_key` columns hold the same instant as UTC text of fixed
width ('2026-11-21T02:00:00.000000'), which sorts in time order, for the (occurred_at, terminal_id,
seq) ordering that makes head office deterministic. Booleans are 0/1 integers, money integer fen.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from terminal.rules import default_rules_text, parse_rules

_V1 = """
CREATE TABLE stores (
    store_id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE enroll_codes (
    code_hash TEXT PRIMARY KEY, store_id TEXT NOT NULL REFERENCES stores(store_id),
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, used_at TEXT, terminal_id TEXT);
CREATE TABLE terminals (
    terminal_id TEXT PRIMARY KEY, store_id TEXT NOT NULL REFERENCES stores(store_id),
    public_key TEXT NOT NULL UNIQUE, key_id TEXT NOT NULL, name TEXT, enrolled_at TEXT NOT NULL,
    revoked_at TEXT, acked_seq BIGINT NOT NULL DEFAULT 0, last_seen_at TEXT);
CREATE TABLE nonces (
    terminal_id TEXT NOT NULL, nonce TEXT NOT NULL, ts BIGINT NOT NULL, PRIMARY KEY (terminal_id, nonce));
CREATE INDEX nonces_ts ON nonces(ts);
CREATE TABLE events (
    id {ID}, event_id TEXT NOT NULL UNIQUE, terminal_id TEXT NOT NULL, seq BIGINT NOT NULL,
    kind TEXT NOT NULL, occurred_at TEXT NOT NULL, occurred_key TEXT NOT NULL, member_id TEXT,
    staff_id TEXT, payload TEXT NOT NULL, body_hash TEXT NOT NULL, status TEXT NOT NULL,
    reason TEXT, received_at TEXT NOT NULL, UNIQUE (terminal_id, seq));
CREATE INDEX events_member ON events(member_id, occurred_key);
CREATE TABLE members (
    member_id TEXT PRIMARY KEY, phone TEXT, phone_last4 TEXT, name TEXT, birthday TEXT,
    tier TEXT NOT NULL, tier_since TEXT NOT NULL, tier_key TEXT,
    registered_at TEXT NOT NULL, reg_key TEXT NOT NULL, reg_terminal TEXT NOT NULL,
    reg_seq BIGINT NOT NULL, reg_tier TEXT NOT NULL, referrer_id TEXT,
    status TEXT NOT NULL, blacklist_reason TEXT, updated_at TEXT NOT NULL);
CREATE UNIQUE INDEX members_phone_live ON members(phone) WHERE status <> 'merged' AND phone IS NOT NULL;
CREATE INDEX members_last4 ON members(phone_last4);
CREATE TABLE member_aliases (
    alias_id TEXT PRIMARY KEY, canonical_id TEXT NOT NULL, merged_at TEXT NOT NULL);
CREATE INDEX member_aliases_canonical ON member_aliases(canonical_id);
CREATE TABLE spends (
    ref_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, occurred_at TEXT NOT NULL,
    occurred_key TEXT NOT NULL, qualifying_fen BIGINT NOT NULL, is_purchase INTEGER NOT NULL,
    terminal_id TEXT NOT NULL, seq BIGINT NOT NULL);
CREATE INDEX spends_member ON spends(member_id, occurred_key);
CREATE TABLE coupons (
    code TEXT PRIMARY KEY, member_id TEXT NOT NULL, template TEXT NOT NULL, issued_at TEXT NOT NULL,
    valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, issue_key TEXT, terminal_id TEXT NOT NULL,
    used_sale_id TEXT, used_at TEXT);
CREATE INDEX coupons_member ON coupons(member_id);
CREATE TABLE coupon_uses (
    event_id TEXT PRIMARY KEY, code TEXT NOT NULL, sale_id TEXT, member_id TEXT,
    terminal_id TEXT NOT NULL, seq BIGINT NOT NULL, occurred_at TEXT NOT NULL, occurred_key TEXT NOT NULL);
CREATE INDEX coupon_uses_code ON coupon_uses(code);
CREATE TABLE cards (
    card_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, key_id TEXT NOT NULL, payload TEXT NOT NULL,
    issued_at TEXT NOT NULL, terminal_id TEXT NOT NULL, revoked_at TEXT, replaced_by TEXT);
CREATE INDEX cards_member ON cards(member_id);
CREATE TABLE bonus_months (
    event_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, month TEXT NOT NULL, points BIGINT NOT NULL,
    terminal_id TEXT NOT NULL, seq BIGINT NOT NULL);
CREATE INDEX bonus_months_member ON bonus_months(member_id, month);
CREATE TABLE tier_history (
    member_id TEXT NOT NULL, n BIGINT NOT NULL, at TEXT NOT NULL, from_tier TEXT NOT NULL,
    to_tier TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (member_id, n));
CREATE TABLE conflicts (
    id {ID}, kind TEXT NOT NULL, ref TEXT NOT NULL, member_id TEXT, detail TEXT NOT NULL,
    created_at TEXT NOT NULL, UNIQUE (kind, ref));
CREATE TABLE rules (
    version TEXT PRIMARY KEY, toml TEXT NOT NULL, loaded_at TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 0);
CREATE TABLE feed (
    id {ID}, kind TEXT NOT NULL, key TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX feed_kind_key ON feed(kind, key)
"""

# v2: the projector (events are applied after the push reply, see projector.py): its cursor and each
# terminal's projected seq; member_consent on members; paid memberships (membership_purchased).
_V2 = """
CREATE TABLE projector (last_id BIGINT NOT NULL);
INSERT INTO projector(last_id) SELECT COALESCE(MAX(id), 0) FROM events;
ALTER TABLE terminals ADD COLUMN projected_seq BIGINT NOT NULL DEFAULT 0;
UPDATE terminals SET projected_seq = acked_seq;
ALTER TABLE members ADD COLUMN marketing_consent INTEGER;
ALTER TABLE members ADD COLUMN consent_at TEXT;
CREATE TABLE memberships (
    event_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, tier TEXT NOT NULL, fee_fen BIGINT NOT NULL,
    starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, ends_key TEXT NOT NULL, terminal_id TEXT NOT NULL,
    seq BIGINT NOT NULL);
CREATE INDEX memberships_member ON memberships(member_id)
"""

# v3: each terminal's projected seq in a table of its own: the projector moves it in the chunk's
# transaction, and on PostgreSQL a row of terminals it updated stayed locked until that commit, so a
# push updating its terminal's acked_seq waited for a whole chunk. (terminals.projected_seq stays,
# no longer used.)
_V3 = """
CREATE TABLE projected_seqs (terminal_id TEXT PRIMARY KEY, seq BIGINT NOT NULL);
INSERT INTO projected_seqs(terminal_id, seq) SELECT terminal_id, projected_seq FROM terminals
"""

# v4: what a push writes apart from what the projector writes. Each terminal's acked seq moves to
# acks (a push updated its terminals row); the projector's quarantine marks move to quarantined (it
# updated events.status, now always 'stored'; terminals.acked_seq and events.reason stay, unused);
# an erasure lists the members whose stored profile events are to be scrubbed in scrubs (the
# projector scrubbed them in its own transaction).
# On SQLite, events, nonces and acks then move to a file of their own (db.py: INGEST), so pushes and
# the projector, each writing one file, no longer wait for each other's commits.
_V4 = """
CREATE TABLE acks (terminal_id TEXT PRIMARY KEY, acked_seq BIGINT NOT NULL, last_seen_at TEXT);
INSERT INTO acks(terminal_id, acked_seq, last_seen_at) SELECT terminal_id, acked_seq, last_seen_at FROM terminals;
CREATE TABLE quarantined (
    event_id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, seq BIGINT NOT NULL, reason TEXT NOT NULL);
INSERT INTO quarantined(event_id, terminal_id, seq, reason)
    SELECT event_id, terminal_id, seq, COALESCE(reason, '') FROM events WHERE status = 'quarantined';
UPDATE events SET status = 'stored' WHERE status = 'quarantined';
CREATE TABLE scrubs (member_id TEXT PRIMARY KEY)
"""

MIGRATIONS: tuple[tuple[int, str], ...] = ((1, _V1), (2, _V2), (3, _V3), (4, _V4))
INGEST_TABLES = ("events", "nonces", "acks")  # SQLite: in the ingest file from v4 on (db.py)
LATEST = MIGRATIONS[-1][0]

_ID = {
    False: "INTEGER PRIMARY KEY AUTOINCREMENT",
    True: "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
}


class SchemaTooNew(RuntimeError):
    pass


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def version(tx: Any) -> int:
    return int(tx.scalar("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version") or 0)


def migrate(tx: Any) -> int:
    """Bring the schema up to LATEST (inside the caller's locked write transaction); seed the
    default programme rules on a new database. Returns the version now in force."""
    tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL, applied_at TEXT NOT NULL)")
    current = version(tx)
    if current > LATEST:
        raise SchemaTooNew(f"the database schema is v{current}, newer than this program's v{LATEST}")
    for number, script in MIGRATIONS:
        if number <= current:
            continue
        for statement in script.replace("{ID}", _ID[tx.postgres]).split(";"):
            if statement.strip():
                tx.execute(statement)
        tx.execute("INSERT INTO schema_version(version, applied_at) VALUES (?, ?)", (number, now_text()))
    if tx.scalar("SELECT COUNT(*) AS n FROM rules") == 0:
        text = default_rules_text()
        tx.execute(
            "INSERT INTO rules(version, toml, loaded_at, active) VALUES (?, ?, ?, 1)",
            (parse_rules(text).version, text, now_text()),
        )
        tx.execute("INSERT INTO feed(kind, key, created_at) VALUES ('rules', 'active', ?)", (now_text(),))
    return LATEST
