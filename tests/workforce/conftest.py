"""Contacts laid out for workforce tests: weekday mornings of the weeks before the test's now."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete

from closeloop.customers.models import Contact
from closeloop.db.engine import Database
from tests.support.demo import NOW
from tests.support.factories import Factory

TZ = ZoneInfo("Asia/Shanghai")
TODAY = NOW.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)

Layout = Callable[[int, int], None]


@pytest.fixture
def contacts(database: Database, factory: Factory) -> Layout:
    """`contacts(usual, today)`: only these contacts — `usual` per half hour 08:00–12:00 on the
    weekdays of the three weeks before today, and `today` per half hour from 08:00 to now."""
    customer = int(factory.customer().id)

    def lay(usual: int, today: int) -> None:
        rows = []
        for back in range(1, 22):
            day = TODAY - timedelta(days=back)
            if day.weekday() < 5:
                rows += _half_hours(customer, day, 8, usual)
        rows += [c for c in _half_hours(customer, TODAY, 8, today) if c.at < NOW]
        with database.unit_of_work() as session:
            session.execute(delete(Contact))
            session.add_all(rows)

    return lay


def _half_hours(customer: int, day: datetime, hours: int, each: int) -> list[Contact]:
    first = day.replace(hour=8)
    return [
        Contact(
            customer_id=customer,
            at=first + timedelta(minutes=30 * slot + n * 29 / max(each, 1)),
            channel="hotline",
            agent="agent",
            summary="",
        )
        for slot in range(hours)
        for n in range(each)
    ]
