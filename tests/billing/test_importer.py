"""`closeloop import bills` (CONTRACT §10): per-line errors, upsert by msisdn+period, idempotent."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.billing.importer import import_bills
from closeloop.billing.service import bills_of_customer
from closeloop.customers.importer import StrictImportFailed
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from tests.support.cli import Cli
from tests.support.factories import Factory, MadeCustomer

HEADER = "msisdn,period,amount_due,amount_paid,due_date,paid_date\n"


def write(tmp_path: Path, text: str, name: str = "bills.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def bills(database: Database, customer: MadeCustomer) -> list[tuple[str, str, str, str, str]]:
    with database.unit_of_work(write=False) as session:
        return [
            (b.period, str(b.amount_due), str(b.amount_paid), str(b.due_date), str(b.paid_date))
            for b in bills_of_customer(session, int(customer.id))
        ]


def test_good_rows_kept_and_each_bad_row_named_by_line_and_field(
    tmp_path: Path, database: Database, factory: Factory
) -> None:
    a = factory.customer()
    csv = write(
        tmp_path,
        HEADER
        + f"{a.msisdn},2026-09,58.00,58.00,2026-10-15,2026-10-10\n"  # 2 ok, paid
        + f"{a.msisdn},2026-10,61.50,0,2026-11-15,\n"  # 3 ok, unpaid
        + f"{a.msisdn},2026-13,10.00,0,2026-11-15,\n"  # 4 bad period
        + f"{a.msisdn},2026-08,abc,0,2026-09-15,\n"  # 5 bad amount_due
        + f"{a.msisdn},2026-07,10.00,-1,2026-08-15,\n"  # 6 negative amount_paid
        + f"{a.msisdn},2026-06,10.00,0,2026-02-30,\n"  # 7 impossible due_date
        + f"{a.msisdn},2026-05,10.00,10,2026-06-15,15/06/2026\n"  # 8 bad paid_date
        + "1380000000,2026-05,10.00,0,2026-06-15,\n"  # 9 short number
        + "19999999999,2026-05,10.00,0,2026-06-15,\n"  # 10 nobody's number
        + f"{a.msisdn},2026-04,10.001,0,2026-05-15,\n"  # 11 three decimals
        + f"{a.msisdn},2026-03\n",  # 12 too few fields
    )
    report = import_bills(database, csv, SYSTEM)
    assert (report.read, report.inserted, report.updated, report.rejected) == (11, 2, 0, 9)
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [4, 5, 6, 7, 8, 9, 10, 11, 12]
    for line, field in [
        (4, "period"),
        (5, "amount_due"),
        (6, "amount_paid"),
        (7, "due_date"),
        (8, "paid_date"),
        (9, "msisdn"),
        (10, "msisdn"),
        (11, "amount_due"),
        (12, "fields"),
    ]:
        assert field in reasons[line], (line, reasons[line])
    assert "no customer" in reasons[10]
    assert bills(database, a) == [
        ("2026-09", "58.00", "58.00", "2026-10-15", "2026-10-10"),
        ("2026-10", "61.50", "0.00", "2026-11-15", "None"),
    ]


def test_a_later_file_updates_payments_and_a_rerun_changes_nothing(
    tmp_path: Path, database: Database, factory: Factory
) -> None:
    a, b = factory.customer(), factory.customer()
    first = write(
        tmp_path,
        HEADER
        + f"{a.msisdn},2026-10,61.50,,2026-11-15,\n"
        + f"{b.msisdn},2026-10,30.00,0,2026-11-15,\n",
    )
    report = import_bills(database, first, SYSTEM)
    assert (report.inserted, report.updated, report.unchanged) == (2, 0, 0)
    again = import_bills(database, first, SYSTEM)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    payments = write(
        tmp_path,
        HEADER
        + f"{a.msisdn},2026-10,61.50,61.50,2026-11-15,2026-11-20\n"
        + f"{b.msisdn},2026-10,30.00,0,2026-11-15,\n"
        + f"{b.msisdn},2026-11,30.00,0,2026-12-15,\n",
        "payments.csv",
    )
    later = import_bills(database, payments, SYSTEM)
    assert (later.inserted, later.updated, later.unchanged) == (1, 1, 1)
    assert bills(database, a) == [("2026-10", "61.50", "61.50", "2026-11-15", "2026-11-20")]
    assert [p for p, *_ in bills(database, b)] == ["2026-10", "2026-11"]


def test_a_repeated_bill_in_one_file_uses_the_later_row(
    tmp_path: Path, database: Database, factory: Factory
) -> None:
    a = factory.customer()
    csv = write(
        tmp_path,
        HEADER
        + f"{a.msisdn},2026-10,61.50,0,2026-11-15,\n"
        + f"{a.msisdn},2026-10,61.50,20,2026-11-15,2026-11-16\n",
    )
    report = import_bills(database, csv, SYSTEM)
    assert report.inserted == 1 and [e.line for e in report.errors] == [2]
    assert "line 3" in report.errors[0].reason
    assert bills(database, a)[0][2] == "20.00"


def test_strict_mode_writes_nothing(tmp_path: Path, database: Database, factory: Factory) -> None:
    a = factory.customer()
    csv = write(
        tmp_path,
        HEADER + f"{a.msisdn},2026-10,61.50,0,2026-11-15,\n19999999998,2026-10,1,0,2026-11-15,\n",
    )
    with pytest.raises(StrictImportFailed, match="line 3"):
        import_bills(database, csv, SYSTEM, strict=True)
    assert bills(database, a) == []


def test_import_is_audited(tmp_path: Path, database: Database, factory: Factory) -> None:
    a = factory.customer()
    import_bills(
        database, write(tmp_path, HEADER + f"{a.msisdn},2026-10,1,0,2026-11-15,\n"), SYSTEM
    )
    with database.unit_of_work(write=False) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import.bills"))
    assert entry is not None and "inserted=1" in entry.summary


def test_cli_imports_with_line_numbers_and_exit_codes(
    tmp_path: Path, cli: Cli, factory: Factory, database: Database
) -> None:
    a = factory.customer()
    csv = write(
        tmp_path,
        HEADER + f"{a.msisdn},2026-10,61.50,0,2026-11-15,\n{a.msisdn},2026-1,1,0,2026-11-15,\n",
    )
    result = cli("import", "bills", str(csv), "--json")
    assert result.exit_code == 0, result.output
    assert "bills.csv: line 3: period" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["inserted"], summary["rejected"]) == (1, 1)
    strict = cli("import", "bills", str(csv), "--strict")
    assert strict.exit_code != 0 and "line 3" in strict.output
    missing = cli("import", "bills", str(tmp_path / "nope.csv"))
    assert missing.exit_code != 0 and "nope.csv" in missing.output
    # the customers' commands in the same group still work
    assert cli("import", "customers", "--help").exit_code == 0
    with database.unit_of_work(write=False) as session:
        (bill,) = bills_of_customer(session, int(a.id))
    assert (bill.amount_due, bill.due_date) == (Decimal("61.50"), date(2026, 11, 15))
