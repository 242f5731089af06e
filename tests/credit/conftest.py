"""Credit test helpers: bills for a customer, a run at a given instant, what it left."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from closeloop.billing.importer import import_bills
from closeloop.care.models import Notification
from closeloop.config import Settings
from closeloop.credit.models import CreditAction, CreditProfile
from closeloop.credit.run import RunSummary, run_credit
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from closeloop.runtime.work import Work

HEADER = "msisdn,period,amount_due,amount_paid,due_date,paid_date\n"


class Ledger:
    """Writes bills files and runs the ladder in the test's database."""

    def __init__(self, database: Database, settings: Settings, tmp_path: Path) -> None:
        self.database, self.settings, self.tmp_path = database, settings, tmp_path
        self.files = 0

    def bills(self, *rows: str) -> None:
        """Import bills rows `msisdn,period,amount_due,amount_paid,due_date,paid_date`."""
        self.files += 1
        path = self.tmp_path / f"bills{self.files}.csv"
        path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
        report = import_bills(self.database, path, SYSTEM)
        assert report.rejected == 0, report.errors

    def run(self, day: str, hour: int = 2, **options: Any) -> RunSummary:
        """A credit run at `hour` UTC of `day` (10:00 in Shanghai by default)."""
        at = datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)
        with self.database.unit_of_work() as session:
            Work(session, self.settings, FixedClock(at)).bind()
            return run_credit(session, **options)

    def profile(self, customer_id: str) -> tuple[int | None, str, str]:
        """(step, line status, grade) of the customer."""
        with self.database.unit_of_work(write=False) as session:
            p = session.get(CreditProfile, int(customer_id))
            assert p is not None
            return p.step, p.line_status, p.grade

    def actions(self, customer_id: str) -> list[tuple[str, int, str]]:
        """(period, step, action) taken for the customer, in order."""
        with self.database.unit_of_work(write=False) as session:
            rows = session.execute(
                select(CreditAction.period, CreditAction.step, CreditAction.action)
                .where(CreditAction.customer_id == int(customer_id))
                .order_by(CreditAction.id)
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]

    def notices(self, customer_id: str, rule: str) -> int:
        """How many notices of `rule` the customer has in the outbox."""
        with self.database.unit_of_work(write=False) as session:
            query = select(func.count()).where(
                Notification.customer_id == int(customer_id), Notification.rule == rule
            )
            return int(session.scalar(query) or 0)


@pytest.fixture
def ledger(database: Database, settings: Settings, tmp_path: Path) -> Ledger:
    return Ledger(database, settings, tmp_path)


LedgerFixture = Callable[..., Ledger]
