"""The world of the sync property test: one real head office (uvicorn) per backend behind a
FaultProxy, its storage emptied between examples (a test-only step on the test's own connection);
tills made fast as copies of one set-up till; healing and the convergence check.

Truth for the check: the head office database (its events), the admin `members show` documents
(admin.member_docs), and the test's own model of what every sale and refund reported."""

from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from fault_proxy import FaultProxy
from sync.client import SyncClient
from sync.headoffice import admin, enroll
from sync.headoffice.db import Database
from terminal import cards
from terminal.clock import FixedClock
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.services import members, replica, setup
from terminal.services.context import Actor, Terminal, open_terminal
from terminal.store.db import DB_NAME

ADMIN = Actor("admin", "admin", "管理员")
KEEP = {"schema_version", "rules", "stores", "writer"}  # what a fresh head office database has too


@dataclass
class Model:
    """What the tills reported, per phone (one member per phone once head office merged them)."""

    points: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    spends: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # sale and refund ids

    def sale(self, phone: str, doc: dict[str, Any]) -> None:
        self.points[phone] += doc["points_earned"] + doc["bonus_points"] - doc["points_redeemed"]
        self.spends[phone].add(doc["sale_id"])

    def refund(self, phone: str, doc: dict[str, Any]) -> None:
        self.points[phone] += doc["points_restored"] - doc["points_reversed"]
        self.spends[phone].add(doc["refund_id"])


@dataclass
class World:
    url: str  # head office itself (admin steps)
    db: Database  # the test's own handle on head office's database
    proxy: FaultProxy
    folder: Path
    template: Path | None = None
    examples: int = 0
    failures: list[str] = field(default_factory=list)  # every check that failed, in any example or replay

    def template_store(self) -> Path:
        """A till set up once (migrations, rules, admin); every till of every example is a copy."""
        if self.template is None:
            t = open_terminal(self.folder / "template", FixedClock(datetime.now(timezone.utc)))
            setup.init(t, store_name="模板", admin_pin="1234")
            t.store.close()
            self.template = self.folder / "template" / DB_NAME
        return self.template

    def reset(self) -> None:
        """Between examples: nothing in flight, head office's storage empty as if new."""
        self.proxy.heal()
        self.proxy.server_errors.clear()
        reset_headoffice(self.db)
        self.examples += 1

    def till(self, folder: Path, clock: FixedClock, store: str) -> Terminal:
        """A copy of the template with an identity of its own (what setup.init makes: terminal id,
        receipt prefix, device key and its card key), enrolled through the proxy."""
        folder.mkdir(parents=True)
        shutil.copyfile(self.template_store(), folder / DB_NAME)
        t = open_terminal(folder, clock)
        terminal_id, key = new_id(), cards.new_device_key()
        with t.store.write() as conn:
            for k, v in {"terminal_id": terminal_id, "receipt_prefix": terminal_id.replace("-", "")[-6:].upper(),
                         "store_name": store,
                         "device_key": f"{key.key_id}:{key.private_raw.hex()}:{key.public_raw.hex()}"}.items():
                assert conn.execute("UPDATE settings SET value = ? WHERE key = ?", (v, k)).rowcount == 1, k
            conn.execute("DELETE FROM card_keys")
            conn.execute("INSERT INTO card_keys(key_id, public_key, terminal_id) VALUES (?, ?, ?)",
                         (key.key_id, key.public_raw.hex(), terminal_id))
        code = enroll.create_code(self.db, store, datetime.now(timezone.utc), 30).code
        SyncClient(t, self.proxy.url).enroll(code)
        return t


def reset_headoffice(db: Database) -> None:
    """Delete every row head office wrote (test-only); the schema, rules and store names stay."""
    with db.write() as tx:
        if tx.postgres:
            tables = [r["table_name"] for r in tx.all(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
                " AND table_type = 'BASE TABLE'") if r["table_name"] not in KEEP]
        else:
            tables = [f'{r["db"]}"."{r["name"]}' for r in tx.all(  # both files (db.py)
                "SELECT 'main' AS db, name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " UNION ALL SELECT 'ingest', name FROM ingest.sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%'") if r["name"] not in KEEP]
        for table in tables:
            tx.execute(f'DELETE FROM "{table}"')
        tx.execute("INSERT INTO feed(kind, key, created_at) VALUES ('rules', 'active', ?)",
                   (datetime.now(timezone.utc).isoformat(),))


def heal(world: World, tills: list[Terminal], attempts: int = 3) -> None:
    """All faults off (the proxy's held and late requests delivered, then the tills talk to head
    office directly); every till syncs until its outbox is empty; then every till pulls again."""
    world.proxy.heal()
    for n, t in enumerate(tills):
        client = SyncClient(t, world.url, timeout=(5.0, 30.0))
        errors: list[str] = []
        for _ in range(attempts):
            try:
                client.sync_once()
            except PosError as exc:
                errors.append(f"{exc.code}: {exc.message('en')}")
                continue
            if replica.status(t, t.now())["events_waiting"] == 0:
                break
        else:
            waiting = replica.status(t, t.now())["events_waiting"]
            raise AssertionError(f"till {n} could not drain its outbox ({waiting} events waiting): {errors}")
    for t in tills:
        SyncClient(t, world.url, timeout=(5.0, 30.0)).pull()


def local_events(t: Terminal) -> set[tuple[str, int]]:
    return {(r[0], r[1]) for r in t.store.conn.execute("SELECT event_id, seq FROM events")}


def check_converged(world: World, tills: list[Terminal], model: Model, now: datetime) -> None:
    """Zero events lost, zero counted twice, every till's members as head office has them."""
    assert not world.proxy.server_errors, f"head office answered 5xx: {world.proxy.server_errors[:3]}"
    with world.db.read() as tx:
        total = 0
        for n, t in enumerate(tills):
            mine = local_events(t)
            rows = tx.all("SELECT event_id, seq, status, kind, reason FROM events WHERE terminal_id = ?",
                          (t.terminal_id,))
            held = {(r["event_id"], r["seq"]) for r in rows}
            assert len(rows) == len(held) == len(mine), (
                f"till {n}: head office holds {len(rows)} events, the till {len(mine)}")
            assert held == mine, (f"till {n}: event ids differ: lost {sorted(mine - held)[:3]}, "
                                  f"foreign {sorted(held - mine)[:3]}")
            acked = tx.scalar("SELECT acked_seq FROM acks WHERE terminal_id = ?", (t.terminal_id,)) or 0
            assert acked == len(mine), f"till {n}: head office acked {acked} of {len(mine)}"
            quarantined = {r["event_id"] for r in tx.all("SELECT event_id FROM quarantined")}
            bad = [r for r in rows if r["status"] != "stored" or r["event_id"] in quarantined]
            assert not bad, f"till {n}: head office did not apply {bad[:3]}"
            total += len(mine)
        everything = tx.scalar("SELECT COUNT(*) AS n FROM events")
        assert everything == total, f"head office holds {everything} events, the tills made {total}"
    for phone, points in model.points.items():
        docs = admin.member_docs(world.db, phone, now)
        assert len(docs) == 1, f"{phone}: {len(docs)} members at head office"
        doc = docs[0]
        assert doc["points_balance"] == points, (
            f"{phone}: head office balance {doc['points_balance']}, the tills reported {points} in total")
        refs = {s["ref_id"] for s in doc["spends"]}
        assert refs == model.spends[phone], f"{phone}: spends differ: {refs ^ model.spends[phone]}"
        for n, t in enumerate(tills):
            view = members.view(t, phone, now)
            seen = (view["member_id"], view["points_balance"], view["tier"])
            truth = (doc["member_id"], doc["points_balance"], doc["tier"])
            assert seen == truth, f"till {n} sees {phone} as {seen}, head office as {truth}"
