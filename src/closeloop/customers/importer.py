"""Bulk import of plans and customers from CSV (CONTRACT §2): streamed, validated, upserted.

Good rows are kept and bad rows reported with their line; with `strict` any bad row aborts the
whole import and nothing is written. Re-running the same file changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.customers.models import Plan
from closeloop.customers.rules import EMAIL, MSISDN, id_number_problem, msisdn_problem
from closeloop.db.bulk import UpsertPipeline
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.csvstream import CsvStream, RowError
from closeloop.kit.errors import InvalidInput

BATCH = 20000
MAX_REPORTED_ERRORS = 1000

PLAN_COLUMNS = ("code", "name", "monthly_fee", "data_mb", "voice_min", "sms")
CUSTOMER_REQUIRED = ("msisdn", "name", "region", "plan_code", "join_date")
CUSTOMER_OPTIONAL = ("id_number", "segment", "deposit", "sales_channel", "email")


@dataclass
class ImportReport:
    """The summary of an import: read, inserted, updated, unchanged, rejected."""

    kind: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        """Count a bad row (the first MAX_REPORTED_ERRORS are kept with their reason)."""
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(RowError(line, reason))

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data."""
        return {
            "kind": self.kind,
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }


class StrictImportFailed(InvalidInput):
    """A bad row in --strict mode: nothing was written."""


Validator = Callable[[list[str]], tuple[Any, ...] | str]
"""Turns a CSV row into the values to store, or says why it is bad."""

UNREADABLE = "contains control characters or bytes that are not UTF-8"


def _text(value: str, name: str, longest: int) -> str | None:
    """Why a free-text field is bad, or None."""
    if not value or len(value) > longest:
        return f"{name} must be 1–{longest} characters"
    if not value.isprintable():
        return f"{name} {UNREADABLE}"
    return None


def _run(
    database: Database,
    stream: CsvStream,
    report: ImportReport,
    validate: Validator,
    table: str,
    columns: tuple[str, ...],
    strict: bool,
    actor: Actor,
) -> ImportReport:
    key = columns[0]
    rows = stream.rows()
    first = next(rows, None)  # the header is read: which optional columns the file has
    kept = [i for i, c in enumerate(columns) if c not in stream.optional or c in stream.header]
    with database.unit_of_work() as session:
        pipeline = UpsertPipeline(session.connection(), table, key, [columns[i] for i in kept])
        try:
            batch: dict[Any, tuple[int, tuple[Any, ...]]] = {}
            for line, row in itertools.chain([first] if first else [], rows):
                report.read += 1
                result = validate(row)
                if isinstance(result, str):
                    if strict:
                        raise StrictImportFailed(
                            f"line {line}: {result} (--strict: nothing imported)"
                        )
                    report.reject(line, result)
                    continue
                values = tuple(result[i] for i in kept)  # an absent column changes nothing
                earlier = batch.get(values[0])
                if earlier is not None:
                    report.reject(
                        earlier[0],
                        f"{key} {values[0]} appears again at line {line}; the later row is used",
                    )
                    del batch[values[0]]
                batch[values[0]] = (line, values)
                if len(batch) >= BATCH:
                    pipeline.submit([v for _line, v in batch.values()])
                    batch = {}
            pipeline.submit([v for _line, v in batch.values()])
        finally:
            counts = pipeline.close()
        report.inserted, report.updated, report.unchanged = (
            counts.inserted,
            counts.updated,
            counts.unchanged,
        )
        report.errors.sort(key=lambda e: e.line)
        audit.record(
            session,
            actor,
            f"import.{report.kind}",
            "import",
            stream.path.name,
            f"read={report.read} inserted={report.inserted} updated={report.updated} "
            f"rejected={report.rejected}",
        )
    return report


def _int_field(value: str, name: str) -> int | str:
    if not value.isdigit():
        return f"{name} must be a whole number ≥ 0, got {value!r}"
    return int(value)


def _picker(stream: CsvStream, columns: tuple[str, ...]) -> Callable[[list[str]], list[str] | str]:
    """Reads the wanted columns of a row by position (absent optional columns are empty).

    Positions are taken from the header when the first row arrives.
    """
    positions: list[int | None] = []

    def pick(row: list[str]) -> list[str] | str:
        if not positions:
            positions.extend(stream.positions(columns))
        if len(row) != len(stream.header):
            return f"expected {len(stream.header)} fields, found {len(row)}"
        return [row[i].strip() if i is not None else "" for i in positions]

    return pick


def import_plans(
    database: Database,
    path: Path,
    actor: Actor,
    *,
    strict: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert plans by code from a plans CSV."""
    stream = CsvStream(path, PLAN_COLUMNS, on_bytes=on_bytes)

    pick = _picker(stream, PLAN_COLUMNS)

    def validate(row: list[str]) -> tuple[Any, ...] | str:
        values = pick(row)
        if isinstance(values, str):
            return values
        code, name, fee_text, *amounts = values
        problem = _text(code, "code", 32) or _text(name, "name", 64)
        if problem:
            return problem
        try:
            fee = Decimal(fee_text)
        except InvalidOperation:
            return f"monthly_fee must be a number, got {fee_text!r}"
        if not fee.is_finite() or fee < 0 or fee != fee.quantize(Decimal("0.01")):
            return "monthly_fee must be ≥ 0 with at most two decimals"
        numbers = []
        for column, text in zip(("data_mb", "voice_min", "sms"), amounts, strict=True):
            number = _int_field(text, column)
            if isinstance(number, str):
                return number
            numbers.append(number)
        return (code, name, str(fee.quantize(Decimal("0.01"))), *numbers)

    return _run(
        database, stream, ImportReport("plans"), validate, "plans", PLAN_COLUMNS, strict, actor
    )


def _who_problem(msisdn: str, name: str, region: str) -> str | None:
    """What is wrong with the customer's number, name or region, if anything."""
    if not MSISDN.match(msisdn):
        return f"msisdn {msisdn!r}: {msisdn_problem(msisdn) or 'invalid'}"
    if not (0 < len(name) <= 64 and name.isprintable()):
        return _text(name, "name", 64) or "name is invalid"
    if not (0 < len(region) <= 32 and region.isprintable()):
        return _text(region, "region", 32) or "region is invalid"
    return None


def _join_date_problem(join_text: str) -> str | None:
    """What is wrong with the join date (a YYYY-MM-DD date), if anything."""
    try:
        if len(join_text) != 10:
            raise ValueError
        date.fromisoformat(join_text)
    except ValueError:
        return f"join_date must be a date as YYYY-MM-DD, got {join_text!r}"
    return None


def _optional_problem(id_number: str, segment: str) -> str | None:
    """What is wrong with the optional id number or segment, if anything (empty is fine)."""
    problem = id_number_problem(id_number) if id_number else None
    if problem:
        return f"id_number: {problem}"
    if segment and (len(segment) > 32 or not segment.isprintable()):
        return _text(segment, "segment", 32) or "segment is invalid"
    return None


def _deposit(text: str) -> str | None:
    """The deposit as stored (two decimals), or None when empty; ValueError says why it is bad."""
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"deposit must be an amount in yuan, got {text!r}") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"deposit must be ≥ 0 with at most two decimals, got {text!r}")
    if amount >= Decimal("100000000"):
        raise ValueError(f"deposit must be below 100000000, got {text!r}")
    return str(amount.quantize(Decimal("0.01")))


def _sale_problem(sales_channel: str, email: str) -> str | None:
    """What is wrong with the optional sales channel or e-mail address, if anything (empty is
    fine)."""
    if sales_channel and (len(sales_channel) > 32 or not sales_channel.isprintable()):
        return _text(sales_channel, "sales_channel", 32) or "sales_channel is invalid"
    if email and (len(email) > 254 or not EMAIL.match(email)):
        return f"email must be an address like name@example.com (at most 254), got {email!r}"
    return None


def _customer_validator(stream: CsvStream, plan_ids: dict[str, int]) -> Validator:
    pick = _picker(stream, CUSTOMER_REQUIRED + CUSTOMER_OPTIONAL)

    def validate(row: list[str]) -> tuple[Any, ...] | str:
        values = pick(row)
        if isinstance(values, str):
            return values
        msisdn, name, region, plan_code, join_text, id_number, segment, money, sale, email = values
        problem = _who_problem(msisdn, name, region)
        if problem:
            return problem
        plan_id = plan_ids.get(plan_code)
        if plan_id is None:
            return f"unknown plan_code {plan_code!r}"
        problem = (
            _join_date_problem(join_text)
            or _optional_problem(id_number, segment)
            or _sale_problem(sale, email)
        )
        if problem:
            return problem
        try:
            deposit = _deposit(money)
        except ValueError as bad:
            return str(bad)
        return (
            msisdn,
            name,
            region,
            plan_id,
            join_text,
            id_number.upper() or None,
            segment or None,
            deposit,
            sale or None,
            email.lower() or None,
        )

    return validate


def import_customers(
    database: Database,
    path: Path,
    actor: Actor,
    *,
    strict: bool = False,
    on_bytes: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert customers by msisdn from a customers CSV."""
    with database.unit_of_work() as session:
        plan_ids = {code: pid for code, pid in session.execute(select(Plan.code, Plan.id))}
    stream = CsvStream(path, CUSTOMER_REQUIRED, CUSTOMER_OPTIONAL, on_bytes=on_bytes)
    columns = (
        "msisdn", "name", "region", "plan_id", "join_date", "id_number", "segment", "deposit",
        "sales_channel", "email",
    )  # fmt: skip
    return _run(
        database,
        stream,
        ImportReport("customers"),
        _customer_validator(stream, plan_ids),
        "customers",
        columns,
        strict,
        actor,
    )


def iter_errors(report: ImportReport) -> Iterator[str]:
    """Human lines for the rejected rows."""
    for error in report.errors:
        yield f"line {error.line}: {error.reason}"
    if report.rejected > len(report.errors):
        yield f"… and {report.rejected - len(report.errors)} more rejected rows"
