"""The change feed terminals pull. Every projection change appends (kind, key); a pull returns the
current snapshot of each distinct key changed after the cursor, oldest change first.

Kinds: 'member' (key: the canonical member id at the time), 'terminal_key' (key: terminal id),
'rules' (key: 'active'), 'quarantine' (key: the event id of an event the projector could not apply;
sent to its own terminal only, as PullResponse.quarantined). Appends happen only inside
Database.write(), whose lock makes feed ids follow commit order on PostgreSQL too (see db.py), so
"id > cursor" never skips a row.
"""

from __future__ import annotations

from typing import Any, Iterable

from sync.headoffice.timekeys import utcnow, text

KINDS = ("member", "terminal_key", "rules", "quarantine")


def append(tx: Any, kind: str, key: str) -> None:
    append_many(tx, kind, [key])


def append_many(tx: Any, kind: str, keys: Iterable[str]) -> None:
    if kind not in KINDS:
        raise ValueError(kind)
    now = text(utcnow())
    tx.insert_rows("feed", ("kind", "key", "created_at"), [(kind, k, now) for k in sorted(set(keys))])


# each (kind, key) changed after a cursor, with its latest change, in that order: the rows after
# the cursor that no later row of their key follows, read in id order up to the limit (each probe
# by feed_kind_key), so a page reads about its own rows. (MAX(id) ... GROUP BY kind, key, the same
# rows, aggregated everything after the cursor for every page: a catch-up's pull read the rest of
# the feed once per page.)
_DISTINCT = ("SELECT f.kind, f.key, f.id AS last_id FROM feed f WHERE f.id > ? AND NOT EXISTS"
             " (SELECT 1 FROM feed g WHERE g.kind = f.kind AND g.key = f.key AND g.id > f.id)"
             " ORDER BY f.id LIMIT ?")


def after(tx: Any, cursor: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    """Distinct (kind, key) changed after cursor, ordered by their latest change; (rows, more).
    Each row: kind, key, last_id. Taking a key's latest change keeps the cursor exact: every key
    whose changes are all <= the returned cursor has been returned on this or an earlier page."""
    rows = tx.all(_DISTINCT, (cursor, limit + 1))
    return rows[:limit], len(rows) > limit


def bounds(tx: Any, cursor: int, limit: int, pages: int) -> list[int]:
    """Where the pages after the one after `cursor` start, as the feed stands: the cursors that
    the next `pages` pages of `after(tx, cursor, limit)` would return, for each page that has
    another after it."""
    ids = [int(r["last_id"]) for r in tx.all(_DISTINCT, (cursor, limit * pages + 1))]
    return [ids[n * limit - 1] for n in range(1, pages + 1) if len(ids) > n * limit]


def head(tx: Any) -> int:
    return int(tx.scalar("SELECT COALESCE(MAX(id), 0) AS n FROM feed") or 0)
