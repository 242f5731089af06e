"""`closeloop import bills` (CONTRACT §10): a streamed bills file, upserted by msisdn and period.

Good rows are kept and each bad row is reported with its line and field; a later file updates the
payments of bills already loaded. With `strict` any bad row aborts and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from closeloop.auth import audit
from closeloop.billing.rules import bill_row
from closeloop.billing.store import upsert_bills
from closeloop.customers.importer import ImportReport, StrictImportFailed
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.csvstream import CsvStream

BATCH = 20000
_LOOKUP_CHUNK = 5000
BILL_COLUMNS = ("msisdn", "period", "amount_due", "amount_paid", "due_date", "paid_date")

Row = tuple[str, str, Decimal, Decimal, date, date | None]


def _customer_ids(conn: Connection, msisdns: Iterable[str]) -> dict[str, int]:
    """The customer id of each of these numbers that belongs to a customer."""
    numbers = list(msisdns)
    found: dict[str, int] = {}
    for start in range(0, len(numbers), _LOOKUP_CHUNK):
        chunk = numbers[start : start + _LOOKUP_CHUNK]
        query = select(Customer.msisdn, Customer.id).where(Customer.msisdn.in_(chunk))
        found.update({msisdn: cid for msisdn, cid in conn.execute(query)})
    return found


class _Batcher:
    """Collects good rows, resolves their customers and upserts them a batch at a time."""

    def __init__(self, conn: Connection, report: ImportReport, strict: bool) -> None:
        self.conn, self.report, self.strict = conn, report, strict
        self.rows: dict[tuple[str, str], tuple[int, Row]] = {}
        self.text_values = conn.dialect.name != "postgresql"

    def add(self, line: int, row: Row) -> None:
        key = (row[0], row[1])
        earlier = self.rows.pop(key, None)
        if earlier is not None:
            self.report.reject(
                earlier[0],
                f"msisdn {row[0]} period {row[1]} appears again at line {line}; "
                "the later row is used",
            )
        self.rows[key] = (line, row)
        if len(self.rows) >= BATCH:
            self.flush()

    def _values(self, customer_id: int, row: Row) -> tuple[Any, ...]:
        _msisdn, period, due, paid, due_date, paid_date = row
        if self.text_values:  # SQLite stores dates as text and numbers by affinity
            paid_text = paid_date.isoformat() if paid_date else None
            return (customer_id, period, str(due), str(paid), due_date.isoformat(), paid_text)
        return (customer_id, period, due, paid, due_date, paid_date)

    def flush(self) -> None:
        if not self.rows:
            return
        ids = _customer_ids(self.conn, {msisdn for msisdn, _period in self.rows})
        values = []
        for (msisdn, _period), (line, row) in self.rows.items():
            customer_id = ids.get(msisdn)
            if customer_id is None:
                problem = f"msisdn {msisdn}: no customer has this number"
                if self.strict:
                    raise StrictImportFailed(f"line {line}: {problem} (--strict: nothing imported)")
                self.report.reject(line, problem)
                continue
            values.append(self._values(customer_id, row))
        self.rows = {}
        counts = upsert_bills(self.conn, values)
        self.report.inserted += counts.inserted
        self.report.updated += counts.updated
        self.report.unchanged += counts.unchanged


def _validator(stream: CsvStream) -> Callable[[list[str]], Row | str]:
    positions: list[int | None] = []

    def validate(row: list[str]) -> Row | str:
        if not positions:
            positions.extend(stream.positions(BILL_COLUMNS))
        if len(row) != len(stream.header):
            return f"expected {len(stream.header)} fields, found {len(row)}"
        msisdn, period, due, paid, due_text, paid_text = (
            row[i].strip() if i is not None else "" for i in positions
        )
        return bill_row(msisdn, period, due, paid, due_text, paid_text)

    return validate


def import_bills(
    database: Database,
    path: Path,
    actor: Actor,
    *,
    strict: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert bills by msisdn and period from a bills CSV; the summary of what happened."""
    report = ImportReport("bills")
    stream = CsvStream(path, BILL_COLUMNS, on_bytes=on_bytes)
    validate = _validator(stream)
    with database.unit_of_work() as session:
        batcher = _Batcher(session.connection(), report, strict)
        for line, fields in stream.rows():
            report.read += 1
            result = validate(fields)
            if isinstance(result, str):
                if strict:
                    raise StrictImportFailed(f"line {line}: {result} (--strict: nothing imported)")
                report.reject(line, result)
                continue
            batcher.add(line, result)
        batcher.flush()
        report.errors.sort(key=lambda e: e.line)
        audit.record(
            session,
            actor,
            "import.bills",
            "import",
            stream.path.name,
            f"read={report.read} inserted={report.inserted} updated={report.updated} "
            f"rejected={report.rejected}",
        )
    return report
