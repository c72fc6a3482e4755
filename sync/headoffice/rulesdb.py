"""The programme rules at head office: the active version (what terminals get on enroll and pull,
and what head office computes tiers with), loading a new one."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sync.headoffice import feed
from sync.headoffice.timekeys import text, utcnow
from terminal.rules import Programme, parse_rules


def active(tx: Any) -> tuple[str, str]:
    """(version, toml) of the active rules."""
    row = tx.one("SELECT version, toml FROM rules WHERE active = 1")
    if row is None:  # migrate() seeds the default; only a hand-edited database gets here
        raise RuntimeError("no active programme rules")
    return row["version"], row["toml"]


@lru_cache(maxsize=8)
def _parsed(toml: str) -> Programme:
    return parse_rules(toml)


def programme(tx: Any) -> Programme:
    return _parsed(active(tx)[1])


def load(tx: Any, toml: str) -> str:
    """Validate (PosError rules_invalid) and activate; returns the version. Same version, same
    text: nothing changes. Pushes a 'rules' feed change."""
    version = parse_rules(toml).version
    current = tx.one("SELECT version, toml FROM rules WHERE active = 1")
    if current is not None and current["version"] == version and current["toml"] == toml:
        return version
    tx.execute("UPDATE rules SET active = 0 WHERE active = 1")
    if tx.one("SELECT 1 AS x FROM rules WHERE version = ?", (version,)):
        tx.execute("UPDATE rules SET toml = ?, loaded_at = ?, active = 1 WHERE version = ?",
                   (toml, text(utcnow()), version))
    else:
        tx.execute("INSERT INTO rules(version, toml, loaded_at, active) VALUES (?, ?, ?, 1)",
                   (version, toml, text(utcnow())))
    feed.append(tx, "rules", "active")
    return version
