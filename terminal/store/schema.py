"""Schema versions of the terminal store (sqlite_utils.migrations). Append, never edit, a migration."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("terminal")


@migrations()
def m001_core(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE rules (
            version TEXT PRIMARY KEY, toml TEXT NOT NULL, loaded_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,               -- per terminal, gapless, from 1
            event_id TEXT NOT NULL UNIQUE,
            terminal_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            member_id TEXT,
            staff_id TEXT,
            payload TEXT NOT NULL);
        CREATE INDEX events_member ON events(member_id, seq);
        CREATE TABLE staff (
            staff_id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL,
            pin_hash TEXT NOT NULL, failures INTEGER NOT NULL DEFAULT 0, last_failure_at TEXT,
            active INTEGER NOT NULL DEFAULT 1);
        CREATE TABLE members (
            member_id TEXT PRIMARY KEY,
            phone TEXT UNIQUE,                     -- E.164; NULL once erased
            phone_last4 TEXT,
            name TEXT, birthday TEXT,
            tier TEXT NOT NULL, tier_since TEXT NOT NULL,
            registered_at TEXT NOT NULL, referrer_id TEXT,
            status TEXT NOT NULL DEFAULT 'active', -- active | blacklisted | erased
            blacklist_reason TEXT);
        CREATE INDEX members_last4 ON members(phone_last4);
        CREATE TABLE card_keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, terminal_id TEXT);
        CREATE TABLE cards (
            card_id TEXT PRIMARY KEY,
            member_id TEXT NOT NULL REFERENCES members(member_id),
            key_id TEXT NOT NULL, payload TEXT NOT NULL UNIQUE,
            issued_at TEXT NOT NULL, revoked_at TEXT, replaced_by TEXT);
        CREATE INDEX cards_member ON cards(member_id);
        CREATE TABLE coupons (
            code TEXT PRIMARY KEY,
            member_id TEXT NOT NULL REFERENCES members(member_id),
            template TEXT NOT NULL, issued_at TEXT NOT NULL,
            valid_from TEXT NOT NULL, valid_to TEXT NOT NULL,
            used_sale_id TEXT, used_at TEXT, issue_key TEXT UNIQUE);
        CREATE INDEX coupons_member ON coupons(member_id);
        CREATE TABLE sales (
            sale_id TEXT PRIMARY KEY, receipt_no TEXT NOT NULL UNIQUE,
            member_id TEXT REFERENCES members(member_id), staff_id TEXT, occurred_at TEXT NOT NULL,
            subtotal_fen INTEGER NOT NULL, tier_discount_fen INTEGER NOT NULL,
            coupon_code TEXT, coupon_discount_fen INTEGER NOT NULL,
            points_redeemed INTEGER NOT NULL, points_value_fen INTEGER NOT NULL,
            payable_fen INTEGER NOT NULL, points_earned INTEGER NOT NULL,
            bonus_points INTEGER NOT NULL, pay_method TEXT NOT NULL,
            tier_before TEXT, tier_after TEXT,
            earn_event_id TEXT, redeem_event_id TEXT, offline INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX sales_member ON sales(member_id, occurred_at);
        CREATE TABLE sale_lines (
            sale_id TEXT NOT NULL REFERENCES sales(sale_id), line_no INTEGER NOT NULL,
            category TEXT NOT NULL, qty INTEGER NOT NULL, unit_price_fen INTEGER NOT NULL,
            amount_fen INTEGER NOT NULL, tier_discount_fen INTEGER NOT NULL,
            coupon_discount_fen INTEGER NOT NULL, points_value_fen INTEGER NOT NULL,
            paid_fen INTEGER NOT NULL, points INTEGER NOT NULL,
            refunded_qty INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (sale_id, line_no));
        CREATE TABLE refunds (
            refund_id TEXT PRIMARY KEY, sale_id TEXT NOT NULL REFERENCES sales(sale_id),
            occurred_at TEXT NOT NULL, staff_id TEXT,
            refund_fen INTEGER NOT NULL, points_value_fen INTEGER NOT NULL,
            points_reversed INTEGER NOT NULL, points_restored INTEGER NOT NULL,
            lines TEXT NOT NULL);
        CREATE INDEX refunds_sale ON refunds(sale_id);
        -- qualifying spend per member (sales +, refunds -): what tiers and lifecycle read
        CREATE TABLE spends (
            member_id TEXT NOT NULL, occurred_at TEXT NOT NULL, qualifying_fen INTEGER NOT NULL,
            is_purchase INTEGER NOT NULL, ref_id TEXT NOT NULL);
        CREATE INDEX spends_member ON spends(member_id, occurred_at);
        CREATE TABLE bonus_months (
            member_id TEXT NOT NULL, month TEXT NOT NULL, points INTEGER NOT NULL,
            PRIMARY KEY (member_id, month));
        CREATE TABLE products (
            code TEXT PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
            price_fen INTEGER NOT NULL);
        """
    )


@migrations()
def m002_lot_index(db: Database) -> None:
    """Which lots may still need expiring, so maintain does not scan the whole ledger."""
    db.executescript(
        """
        CREATE TABLE lot_index (
            lot_id TEXT PRIMARY KEY, member_id TEXT NOT NULL, expires_at TEXT NOT NULL,
            open INTEGER NOT NULL DEFAULT 1);
        CREATE INDEX lot_index_due ON lot_index(open, expires_at);
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY, at TEXT NOT NULL, staff_id TEXT, action TEXT NOT NULL,
            detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        """
    )


@migrations()
def m003_replica(db: Database) -> None:
    """What head office confirmed: merges (alias -> canonical), which spends came from head office
    and which from this terminal's own events (by seq), each member's confirmed points snapshot and
    through which of this terminal's seqs it counts, and revoked signing keys.
    Own spend rows written before this migration get the seq of the event that wrote them."""
    db.executescript(
        """
        ALTER TABLE members ADD COLUMN merged_into TEXT;
        CREATE INDEX members_merged ON members(merged_into);
        ALTER TABLE spends ADD COLUMN seq INTEGER;              -- own event's seq; NULL from head office
        ALTER TABLE spends ADD COLUMN origin TEXT NOT NULL DEFAULT 'local';  -- local | headoffice
        -- one pass over the ledger into an indexed map, not a JSON scan of every event per spend row
        CREATE TEMP TABLE spend_seq AS
            SELECT json_extract(payload, '$.sale_id') AS ref_id, seq FROM events WHERE kind = 'sale'
            UNION ALL
            SELECT json_extract(payload, '$.refund_id'), seq FROM events WHERE kind = 'refund';
        CREATE INDEX temp.spend_seq_ref ON spend_seq(ref_id);
        UPDATE spends SET seq = (SELECT s.seq FROM spend_seq s WHERE s.ref_id = spends.ref_id);
        DROP TABLE temp.spend_seq;
        CREATE TABLE member_snapshots (
            member_id TEXT PRIMARY KEY,
            includes_seq INTEGER NOT NULL,        -- this terminal's events through this seq are inside
            points TEXT NOT NULL,                 -- the protocol's PointsSnapshot, JSON
            updated_at TEXT NOT NULL);
        ALTER TABLE card_keys ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0;
        """
    )


@migrations()
def m004_marketing_consent(db: Database) -> None:
    """Marketing consent and when it was given or withdrawn (NULL: never asked)."""
    db.executescript(
        """
        ALTER TABLE members ADD COLUMN marketing_consent INTEGER;
        ALTER TABLE members ADD COLUMN consent_at TEXT;
        """
    )


@migrations()
def m005_last4_list(db: Database) -> None:
    """The last-4 pick list from one index range: with a million members ~100 share each last 4,
    and reading them from the table costs ~100 scattered page reads (a 9 ms p99)."""
    db.executescript(
        """
        CREATE INDEX members_last4_list
            ON members(phone_last4, merged_into, registered_at, member_id, phone, name, tier, status);
        DROP INDEX members_last4;
        """
    )


@migrations()
def m006_stored_value_and_paid_membership(db: Database) -> None:
    """Stored value (储值) and paid membership (付费会员).
    - sales/refunds: how much of each was paid by (or went back to) stored value, so a refund
      returns the stored-value part exactly;
    - member_snapshots.stored_value_fen: head office's confirmed balance (NULL: the snapshot said
      nothing about stored value, so this terminal's own events are the whole local view);
    - membership_grants: paid tier periods, one row per membership_purchased event (origin local,
      with its seq) or one row from head office's snapshot (origin headoffice, no seq)."""
    db.executescript(
        """
        ALTER TABLE sales ADD COLUMN stored_value_fen INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE refunds ADD COLUMN stored_value_fen INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE member_snapshots ADD COLUMN stored_value_fen INTEGER;
        CREATE TABLE membership_grants (
            grant_id TEXT PRIMARY KEY,             -- the membership_purchased event id, or 'ho:' + member id
            member_id TEXT NOT NULL,
            tier TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            ends_at TEXT NOT NULL,                 -- exclusive
            origin TEXT NOT NULL DEFAULT 'local',  -- local | headoffice
            seq INTEGER);                          -- own event's seq; NULL from head office
        CREATE INDEX membership_grants_member ON membership_grants(member_id, ends_at);
        """
    )
