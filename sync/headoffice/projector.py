"""The projector: applies stored events to the projections (members, spends, coupons, cards, bonus
months, memberships, tiers, conflicts, the change feed) in arrival order (events.id), set-wise, in
chunks of up to CHUNK events.

Push only stores events (ingest.py) and answers; the projector applies them afterwards:
- in the background, in each server process (Background): once pushes pause for QUIET_S, at
  least every MAX_LAG_S while they keep coming (ingest goes first: the work is the same either
  way, and readers catch up themselves; projecting during pushes was measured to cost the pushes
  more than it saves the next pull, the projector sharing the server's interpreter), and whenever it finds events waiting (checked every
  POLL_S: what another server process stored), in chunks of BACKGROUND_CHUNK events so a push
  never waits long for the write lock;
- synchronously, before anything that reads the projections (`catch_up`: the admin commands; a
  pull before its last page, pull.py), so every reader sees every event stored before it applied.

Each chunk is one write transaction (db.write: one projector at a time, and feed ids in commit
order): it applies the events (apply.apply_batch, then settle.settle), records the ones that cannot
be applied in `quarantined` with their reason (and a 'quarantine' feed row, which the terminal learns from
its next pull), moves each terminal's projected seq (projected_seqs) and the cursor (projector.last_id). The cursor
moves in the transaction that applies the events: each event is applied exactly once.

Readers bound what they read of the events table by the cursor (`upto`): an event stored after it
is not in the projections yet, so it is in no reply either (a snapshot's includes_seq is the
terminal's projected seq, read in the same transaction).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable

import msgspec

from sync.gc_pause import gc_paused
from sync.headoffice import feed, members, settle
from sync.headoffice.apply import apply_batch
from sync.headoffice.batch import Batch, Stored
from sync.headoffice.canonical import stored
from sync.headoffice.db import Database
from sync.headoffice.timekeys import utcnow

log = logging.getLogger("pos-headoffice")

CHUNK = 20_000
BACKGROUND_CHUNK = 5_000
QUIET_S = 0.25
MAX_LAG_S = 30.0
POLL_S = 1.0
_COLUMNS = "id, event_id, terminal_id, seq, kind, occurred_at, occurred_key, member_id, staff_id, payload"


def applied_upto(tx: Any) -> int:
    """The cursor: every event with id <= this is applied."""
    return int(tx.scalar("SELECT last_id FROM projector") or 0)


def stored_upto(tx: Any) -> int:
    """The largest stored event id (one cheap read: the primary key's last entry. "id > ? LIMIT 1"
    was planned by PostgreSQL, once prepared, as a scan of the table from its start: 40 ms and
    more on a large events table, before every pull page)."""
    return int(tx.scalar("SELECT COALESCE(MAX(id), 0) AS n FROM events") or 0)


def behind(db: Database) -> bool:
    """Whether any stored event waits to be applied."""
    with db.read() as tx:
        return stored_upto(tx) > applied_upto(tx)


class _SaleFields(msgspec.Struct):
    sale_id: Any = None
    payable_fen: Any = None


_SALE = msgspec.json.Decoder(_SaleFields).decode


def _sale(text: str) -> dict[str, Any]:
    """The two fields of a sale the projector reads (apply.sale), as json.loads reads them (msgspec
    reads numbers as it does), without building the sale's lines."""
    try:
        fields = _SALE(text)
    except msgspec.DecodeError:  # NaN and the like, which only json.loads takes
        return stored(text)
    return {"sale_id": fields.sale_id, "payable_fen": fields.payable_fen}


def project_chunk(db: Database, now: datetime | None = None, limit: int = CHUNK) -> int:
    """Apply up to `limit` events after the cursor in one transaction; how many were applied."""
    with gc_paused(), db.write(only="main") as tx:
        tx.plan_for_lookups()  # PostgreSQL: index lookups for the chunk's thousands of keys (db.py)
        last = applied_upto(tx)
        rows = tx.tuples(f"SELECT {_COLUMNS} FROM events WHERE id > ? ORDER BY id LIMIT ?", (last, limit))
        if not rows:
            return 0
        events = [Stored(r, _sale(r[9]) if r[4] == "sale" else stored(r[9])) for r in rows]
        upto = events[-1].id
        batch = Batch(now or utcnow(), upto)
        outcomes = apply_batch(tx, events, batch)
        quarantined = [(reason, ev) for ev, (status, reason) in zip(events, outcomes) if status == "quarantined"]
        tx.many("INSERT INTO quarantined(event_id, terminal_id, seq, reason) VALUES (?, ?, ?, ?)",
                [(ev.event_id, ev.terminal_id, ev.seq, reason) for reason, ev in quarantined])  # before settle,
        # which reads the events not quarantined
        settle.settle(tx, batch)
        feed.append_many(tx, "quarantine", [ev.event_id for _, ev in quarantined])
        seqs: dict[str, int] = {}
        for ev in events:
            seqs[ev.terminal_id] = ev.seq
        tx.many("INSERT INTO projected_seqs(terminal_id, seq) VALUES (?, ?) ON CONFLICT (terminal_id)"
                " DO UPDATE SET seq = excluded.seq WHERE projected_seqs.seq < excluded.seq",
                sorted(seqs.items()))
        if tx.execute("UPDATE projector SET last_id = ?", (upto,)).rowcount == 0:  # the row was deleted
            tx.execute("INSERT INTO projector(last_id) VALUES (?)", (upto,))
    members.scrub_pending(db)  # an erasure's stored profile events (another file on SQLite)
    return len(rows)


def catch_up(db: Database, now: datetime | None = None, limit: int = CHUNK) -> int:
    """Apply every event stored so far, chunk by chunk; how many were applied."""
    total = 0
    members.scrub_pending(db)  # what a chunk listed before a stop
    while behind(db):
        total += project_chunk(db, now, limit)
    return total


class Background:
    """The server's projector thread: woken by each push (`pushing()` around it), it waits for
    pushes to pause (none in flight, none ended in the last QUIET_S) or for the oldest unapplied
    push to be MAX_LAG_S old, then catches up."""

    def __init__(self, db: Database, clock: Callable[[], datetime] | None = None, *, quiet_s: float = QUIET_S,
                 max_lag_s: float = MAX_LAG_S) -> None:
        self.db = db
        self.clock = clock
        self.quiet_s = quiet_s
        self.max_lag_s = max_lag_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._first: float | None = None  # monotonic time of the oldest push not yet projected
        self._last = 0.0  # monotonic time of the latest push
        self._in_flight = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="ho-projector", daemon=True)
        self._thread.start()
        self.poke()  # events stored before a restart

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def poke(self) -> None:
        now = time.monotonic()
        self._last = now
        if self._first is None:
            self._first = now
        self._wake.set()

    @contextmanager
    def pushing(self) -> Iterator[None]:
        """Around a push: the projector waits while pushes are in flight, and is poked after."""
        with self._lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
            self.poke()

    def _due(self) -> float:
        """Seconds until the projector should run (<= 0: now)."""
        now = time.monotonic()
        first = self._first if self._first is not None else now
        quiet = self.quiet_s if self._in_flight else self._last + self.quiet_s - now
        return min(quiet, first + self.max_lag_s - now)

    def _run(self) -> None:
        while not self._stop.is_set():
            if not self._wake.wait(POLL_S):
                try:
                    if not behind(self.db):
                        continue
                except Exception:
                    log.exception("projector could not read its cursor")
                    continue
            while not self._stop.is_set() and (wait := self._due()) > 0:
                time.sleep(min(wait, self.quiet_s))
            if self._stop.is_set():
                return
            self._wake.clear()
            self._first = None
            try:
                catch_up(self.db, self.clock() if self.clock else None, BACKGROUND_CHUNK)
            except Exception:  # logged; the next push or read tries again
                log.exception("projector failed")
                self._stop.wait(1.0)
