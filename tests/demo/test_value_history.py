"""The demo's year of bills and usage: seeded, churn drawn from causes the model can learn,
some unpaid bills for the credit ladder, imported once through the billing importer."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select

from closeloop.billing.service import bill_rows
from closeloop.care.models import UsageMonth
from closeloop.db.engine import Database
from closeloop.demo.value_history import (
    MONTHS,
    Person,
    history_lines,
    periods_before,
    seed_value_history,
)
from closeloop.kit.clock import FixedClock

PERIODS = periods_before(date(2026, 11, 23))


def people(n: int, complaints: int, unsatisfied: int) -> list[Person]:
    return [Person(i, f"1380000{i:04d}", 58.0, 10240, complaints, unsatisfied) for i in range(n)]


def leave_rate(group: list[Person]) -> float:
    rng = random.Random(3)
    left = sum(len(history_lines(rng, p, PERIODS)[0]) < MONTHS for p in group)
    return left / len(group)


def test_the_year_runs_to_last_month() -> None:
    assert len(PERIODS) == MONTHS and PERIODS[0] == "2025-11" and PERIODS[-1] == "2026-10"


def test_complaints_and_unsatisfied_callbacks_make_leaving_likelier() -> None:
    calm = leave_rate(people(600, 0, 0))
    unhappy = leave_rate(people(600, 2, 1))
    assert 0.03 < calm < 0.3 and unhappy > calm + 0.2


def test_the_same_seed_gives_the_same_history_and_some_bills_stay_unpaid() -> None:
    group = people(300, 1, 0)
    first = [history_lines(random.Random(5), p, PERIODS) for p in group[:20]]
    again = [history_lines(random.Random(5), p, PERIODS) for p in group[:20]]
    assert first == again
    rng = random.Random(7)
    lines = [line for p in group for line in history_lines(rng, p, PERIODS)[0]]
    unpaid = [line for line in lines if line.endswith(",")]
    assert 0 < len(unpaid) < len(lines) * 0.1


def test_the_demo_history_is_imported_once(database: Database, clock: FixedClock) -> None:
    added = seed_value_history(database, clock, limit=40)
    assert 40 * 7 <= added["bills"] <= 40 * MONTHS and added["usage_months"] == added["bills"]
    with database.unit_of_work(write=False) as session:
        bills = session.scalar(select(func.count()).select_from(bill_rows().subquery()))
        usage = session.scalar(select(func.count()).select_from(UsageMonth))
        assert bills == added["bills"] and usage is not None and usage >= added["usage_months"]
    assert seed_value_history(database, clock, limit=40) == {"bills": 0, "usage_months": 0}
