"""Head office test fixtures: `ho` (a running head office of each backend, with an in-process
handle on its database for admin steps and assertions) and enrolled tills."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from ho_client import Till
from sync.headoffice import enroll, projector
from sync.headoffice.db import Database

TABLES = ("stores", "enroll_codes", "terminals", "nonces", "events", "members", "member_aliases", "spends",
          "coupons", "coupon_uses", "cards", "bonus_months", "tier_history", "conflicts", "rules", "feed",
          "memberships", "projector", "acks", "quarantined", "scrubs")


@dataclass
class HO:
    backend: str
    url: str
    db_url: str
    db: Database

    def code(self, store: str = "一号店", ttl: int = 30, now: datetime | None = None) -> str:
        return enroll.create_code(self.db, store, now or datetime.now(timezone.utc), ttl).code

    def till(self, store: str = "一号店") -> Till:
        till = Till(self.url)
        response = till.enroll(self.code(store))
        assert response.status_code == 200, response.text
        return till

    def caught_up(self) -> None:
        """Every pushed event applied (the server's projector may not have got to them yet)."""
        projector.catch_up(self.db)

    def fingerprint(self) -> dict[str, Any]:
        """Row counts of every table and the terminals' acked seqs: equal before and after a
        refused request means it stored nothing (taken with every pushed event applied)."""
        self.caught_up()
        with self.db.read() as tx:
            counts = {t: tx.scalar(f"SELECT COUNT(*) AS n FROM {t}") for t in TABLES}
            acked = tx.all("SELECT terminal_id, acked_seq FROM acks ORDER BY terminal_id")
        return {"counts": counts, "acked": acked}

    def events_of(self, till: Till) -> list[dict[str, Any]]:
        self.caught_up()
        with self.db.read() as tx:  # status and reason: 'quarantined' with the projector's reason, or 'stored'
            rows = tx.all("SELECT e.*, q.reason AS why FROM events e LEFT JOIN quarantined q ON q.event_id = e.event_id"
                          " WHERE e.terminal_id = ? ORDER BY e.seq", (till.terminal_id,))
        out = []
        for r in rows:
            why = r.pop("why")
            out.append({**r, "status": "stored" if why is None else "quarantined", "reason": why})
        return out


@pytest.fixture(scope="session")
def ho_session(headoffice: Any) -> Iterator[HO]:
    db = Database(headoffice.db_url)
    yield HO(headoffice.backend, headoffice.url, headoffice.db_url, db)
    db.close()


@pytest.fixture
def ho(ho_session: HO) -> HO:
    return ho_session
