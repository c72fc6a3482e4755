"""Setting a terminal up (idempotent), loading programme rules, and the demo store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from terminal import cards, clock as clocks
from terminal.errors import PosError
from terminal.ids import new_id
from terminal.rules import default_rules_text, parse_rules
from terminal.services import audit, members, staff
from terminal.services.context import Actor, Terminal, require

DEMO_MEMBERS = (
    ("13812345678", "张伟", "1988-11-03"),
    ("13912345678", "王芳", "1992-05-20"),
    ("13700005678", "李娜", None),
    ("15800001234", "刘洋", "1979-02-14"),
    ("18600004321", "陈静", "1995-11-30"),
)
DEMO_PRODUCTS = (
    ("6901000000011", "有机蔬菜礼盒", "fresh", 12000),
    ("6901000000028", "进口牛奶 1L", "dairy", 1850),
    ("6901000000035", "全麦面包", "bakery", 1200),
    ("6901000000042", "洗衣液 2kg", "household", 4590),
    ("6901000000059", "香烟", "tobacco", 3000),
    ("6901000000066", "矿泉水 550ml", "beverage", 200),
)


@dataclass(frozen=True)
class InitResult:
    created: bool
    terminal_id: str
    store_name: str
    rules_version: str
    demo_members: int


def init(t: Terminal, *, store_name: str | None, admin_pin: str | None, demo: bool = False,
         at: datetime | None = None) -> InitResult:
    """Create the terminal identity, device key, default rules and the first admin; again is a no-op
    (a given store name is updated; demo data is added once)."""
    created = not t.initialized
    if created:
        if admin_pin is None:
            raise PosError("pin_required")
        terminal_id = new_id()
        key = cards.new_device_key()
        programme = parse_rules(default_rules_text())
        now = at or t.clock.now()
        with t.store.write() as conn:
            for k, v in {
                "terminal_id": terminal_id,
                "receipt_prefix": terminal_id.replace("-", "")[-6:].upper(),
                "store_name": store_name or "演示门店",
                "device_key": f"{key.key_id}:{key.private_raw.hex()}:{key.public_raw.hex()}",
                "rules_version": programme.version,
            }.items():
                conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)", (k, v))
            conn.execute("INSERT INTO rules VALUES (?, ?, ?, 1)",
                         (programme.version, default_rules_text(), clocks.to_text(now)))
            conn.execute("INSERT INTO card_keys(key_id, public_key, terminal_id) VALUES (?, ?, ?)",
                         (key.key_id, key.public_raw.hex(), terminal_id))
            staff.add_staff(t, None, "admin", "管理员", "admin", admin_pin)
    elif store_name:
        t.store.set_setting("store_name", store_name)
    added = _demo(t, at) if demo else 0
    return InitResult(created, t.terminal_id, t.store_name, t.programme.version, added)


def load_rules(t: Terminal, actor: Actor, text: str, at: datetime | None = None) -> str:
    """Validate and activate a programme; returns its version. A bad file changes nothing."""
    require(actor, "admin")
    programme = parse_rules(text)
    now = t.now(at)
    with t.store.write() as conn:
        conn.execute("UPDATE rules SET active = 0")
        conn.execute(
            "INSERT INTO rules VALUES (?, ?, ?, 1) ON CONFLICT(version) DO UPDATE SET toml = excluded.toml,"
            " loaded_at = excluded.loaded_at, active = 1",
            (programme.version, text, clocks.to_text(now)),
        )
        conn.execute("UPDATE settings SET value = ? WHERE key = 'rules_version'", (programme.version,))
        t.emit("rules_loaded", now, actor, None, {"version": programme.version})
        audit.record(t, actor, "rules_loaded", now, version=programme.version)
    t.forget_programme()
    return programme.version


def rules_text(t: Terminal) -> str:
    return str(t.store.scalar("SELECT toml FROM rules WHERE version = ?", (t.programme.version,)))


def _demo(t: Terminal, at: datetime | None) -> int:
    actor = Actor("admin", "admin", "demo")
    with t.store.write() as conn:
        conn.executemany("INSERT OR IGNORE INTO products VALUES (?, ?, ?, ?)", DEMO_PRODUCTS)
    start = t.now(at) - timedelta(days=7)
    added = 0
    for i, (number, name, birthday) in enumerate(DEMO_MEMBERS):
        try:
            members.register(t, actor, number, name=name, birthday=birthday, at=start + timedelta(days=i))
            added += 1
        except PosError as exc:
            if exc.code != "phone_taken":
                raise
    return added
