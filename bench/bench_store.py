"""The benchmark store: a terminal with N members (default 1,000,000), their cards, coupons and
registration events, bulk-written one transaction per 50,000 members; reused when it exists."""

from __future__ import annotations

import os

os.environ.setdefault("POS_PIN_HASH_FAST", "1")  # before terminal.auth is imported

import base64  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Callable  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from terminal import cards, clock as clocks, coupons  # noqa: E402
from terminal.ids import new_id  # noqa: E402
from terminal.services import setup, staff  # noqa: E402
from terminal.services.context import Actor, Terminal, open_terminal  # noqa: E402
from terminal.store.db import DB_NAME  # noqa: E402

CHUNK = 50_000
ADMIN_PIN = "1234"
CASHIER = ("bench-cashier", "收银员", "cashier", "5678")
# Prefixes of Chinese mobile numbers (130-139, 145-149, 150-159, 16x, 17x, 18x, 19x ranges).
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 145 147 149 150 151 152 153 155 156 157 158 159 "
    "162 165 166 167 170 171 172 173 175 176 177 178 180 181 182 183 184 185 186 187 188 189 "
    "190 191 192 193 195 196 197 198 199"
).split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红梅玉婷欣怡子涵浩然宇轩梓萱"
CATEGORIES = ("general", "fresh", "dairy", "bakery", "beverage", "household", "personal_care", "apparel",
              "electronics", "tobacco")
CATEGORY_WEIGHTS = (30, 20, 12, 8, 12, 8, 5, 2, 1, 2)
# Cards of members never looked up carry a payload of the real shape under this key id, which is
# not in card_keys: "issued by a terminal this one has not heard of". Signing a million cards
# genuinely takes minutes here (--sign-all does it).
DUMMY_KEY_ID = hashlib.sha256(b"bench: unsigned filler cards").hexdigest()[:16]

LOOKUP_P99_MS = 1.0
CHECKOUT_P99_MS = 5.0
MAX_RATIO = 3.0



# --- the store ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildInfo:
    path: Path
    members: int
    built: bool  # False when an existing store was reused
    seconds: float
    db_bytes: int
    signed_cards: int


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())


def _phones(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        number = f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


def _name(rng: random.Random) -> str | None:
    if rng.random() < 0.1:
        return None
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _dumps(payload: dict[str, Any]) -> str:  # as Store.append_event writes payloads
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def member_count(t: Terminal) -> int:
    return int(t.store.scalar("SELECT COUNT(*) FROM members") or 0)


def build_store(
    data_dir: Path,
    n: int,
    *,
    seed: int = 1,
    signed: int = 6000,
    sign_all: bool = False,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildInfo:
    """Create the terminal (setup.init) and bulk-insert n members with card, WELCOME coupon and
    registration events. `signed` random members get a genuinely signed card (all if sign_all)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    t = open_terminal(data_dir)
    try:
        now = now or t.clock.now()
        if t.initialized:
            raise SystemExit(f"{data_dir} already holds a terminal; use --keep to reuse it")
        setup.init(t, store_name="基准测试门店", admin_pin=ADMIN_PIN, at=now - timedelta(days=3 * 365 + 1))
        staff.add_staff(t, Actor("admin", "admin"), *CASHIER, at=now - timedelta(days=3 * 365 + 1))
        programme = t.programme
        terminal_id = t.terminal_id
        key = t.device_key()
        entry_tier = programme.entry_tier.id
        welcome = programme.coupon_template("WELCOME")
        conn = t.store.conn
        conn.execute("PRAGMA cache_size=-524288")  # 512 MB while building; the bench reopens
        # registered over the last three years, in order; the newest ones still hold a valid WELCOME
        span = (3 * 365 - 1) * 86400
        start = now - timedelta(days=3 * 365)
        offsets = sorted(rng.randrange(span) for _ in range(n))
        phones = _phones(rng, n)
        to_sign = set(range(n)) if sign_all else set(rng.sample(range(n), min(n, signed)))
        seq = int(t.store.scalar("SELECT COALESCE(MAX(seq), 0) FROM events"))
        codes: set[str] = set()
        for lo in range(0, n, CHUNK):
            members, card_rows, coupon_rows, events = [], [], [], []
            for i in range(lo, min(n, lo + CHUNK)):
                at = start + timedelta(seconds=offsets[i], microseconds=rng.randrange(1_000_000))
                at_text = clocks.to_text(at)
                member_id, card_id = new_id(), new_id()
                number = phones[i]
                name = _name(rng)
                birthday = None
                if rng.random() < 0.6:
                    birthday = f"{rng.randrange(1950, 2006)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
                members.append((member_id, number, number[-4:], name, birthday, entry_tier, at_text, at_text, None))
                unix = int(at.timestamp())
                if i in to_sign:
                    payload = cards.sign_card(key, card_id, member_id, unix)
                    key_id = key.key_id
                else:
                    key_id = DUMMY_KEY_ID
                    sig = base64.urlsafe_b64encode(rng.randbytes(64)).rstrip(b"=").decode("ascii")
                    payload = f"{cards.PREFIX}.{key_id}.{card_id}.{member_id}.{unix}.{sig}"
                card_rows.append((card_id, member_id, key_id, payload, at_text))
                code = "".join(rng.choices(coupons.CROCKFORD, k=coupons.CODE_LENGTH))  # new_code's shape
                while code in codes:
                    code = "".join(rng.choices(coupons.CROCKFORD, k=coupons.CODE_LENGTH))
                codes.add(code)
                valid_from, valid_to = coupons.validity(welcome, at, None)
                coupon = {"code": code, "template": "WELCOME", "valid_from": clocks.to_text(valid_from),
                          "valid_to": clocks.to_text(valid_to)}
                coupon_rows.append((code, member_id, "WELCOME", at_text, coupon["valid_from"], coupon["valid_to"]))
                registered = {"phone": number, "name": name, "birthday": birthday, "referrer_id": None,
                              "tier": entry_tier}
                for kind, body in (
                    ("member_registered", registered),
                    ("coupon_issued", {**coupon, "issue_key": None}),
                    ("card_issued", {"card_id": card_id, "key_id": key_id, "payload": payload}),
                ):
                    seq += 1
                    events.append((seq, new_id(), terminal_id, kind, at_text, member_id,
                                   "admin", _dumps(body)))
            with t.store.write():
                conn.executemany(
                    "INSERT INTO members(member_id, phone, phone_last4, name, birthday, tier, tier_since,"
                    " registered_at, referrer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", members)
                conn.executemany(
                    "INSERT INTO cards(card_id, member_id, key_id, payload, issued_at) VALUES (?, ?, ?, ?, ?)",
                    card_rows)
                conn.executemany(
                    "INSERT INTO coupons(code, member_id, template, issued_at, valid_from, valid_to)"
                    " VALUES (?, ?, ?, ?, ?, ?)", coupon_rows)
                conn.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)", events)
            if progress:
                progress(f"  {min(n, lo + CHUNK):>9,} members  {time.perf_counter() - started:6.1f} s")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        t.store.close()
    path = data_dir / DB_NAME
    return BuildInfo(path, n, True, time.perf_counter() - started, db_size(path), len(to_sign))


def prepare_store(
    data_dir: Path, n: int, *, seed: int = 1, signed: int = 6000, sign_all: bool = False,
    progress: Callable[[str], None] | None = None,
) -> BuildInfo:
    """Reuse the store in data_dir if it holds a terminal, else build one of n members."""
    path = data_dir / DB_NAME
    if path.exists():
        t = open_terminal(data_dir)
        try:
            if t.initialized:
                count = member_count(t)
                genuine = int(t.store.scalar("SELECT COUNT(*) FROM cards WHERE key_id = ?",
                                             (t.device_key().key_id,)))
                return BuildInfo(path, count, False, 0.0, db_size(path), genuine)
        finally:
            t.store.close()
    return build_store(data_dir, n, seed=seed, signed=signed, sign_all=sign_all, progress=progress)
