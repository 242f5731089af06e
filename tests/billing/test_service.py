"""The bills read service other domains use: a customer's bills, a range of months."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from closeloop.billing.importer import import_bills
from closeloop.billing.service import bills_in_periods, bills_of_customer
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.errors import InvalidInput
from tests.support.factories import Factory

HEADER = "msisdn,period,amount_due,amount_paid,due_date,paid_date\n"


def test_bills_of_a_customer_and_of_a_period_range(
    tmp_path: Path, database: Database, factory: Factory
) -> None:
    a, b = factory.customer(), factory.customer()
    rows = "".join(
        f"{c.msisdn},2026-{m:02d},{10 * m}.00,{5 * m},2026-{m + 1:02d}-15,\n"
        for c in (a, b)
        for m in (7, 8, 9)
    )
    path = tmp_path / "b.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    import_bills(database, path, SYSTEM)
    with database.unit_of_work(write=False) as session:
        mine = bills_of_customer(session, int(a.id))
        assert [x.period for x in mine] == ["2026-07", "2026-08", "2026-09"]
        assert mine[0].outstanding == Decimal("35.00") and not mine[0].settled
        assert [x.period for x in bills_of_customer(session, int(a.id), first="2026-08")] == [
            "2026-08",
            "2026-09",
        ]
        both = bills_in_periods(session, "2026-08", "2026-08", customer_ids=[int(a.id), int(b.id)])
        assert [(x.customer_id, x.period) for x in both] == [
            (int(a.id), "2026-08"),
            (int(b.id), "2026-08"),
        ]
        with pytest.raises(InvalidInput, match="first"):
            bills_in_periods(session, "2026-8", "2026-09")
