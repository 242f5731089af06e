"""What makes a bills-file row good (pure: no database)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from closeloop.customers.rules import MSISDN, msisdn_problem

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CENT = Decimal("0.01")
LARGEST = Decimal("9999999999.99")


def period_problem(text: str) -> str | None:
    """Why `text` is not a billing month YYYY-MM, or None."""
    if not PERIOD.match(text):
        return f"period must be a month as YYYY-MM, got {text!r}"
    return None


def amount(text: str, name: str) -> Decimal | str:
    """A money amount ≥ 0 with at most two decimals, or why it is not one."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return f"{name} must be a number, got {text!r}"
    if not value.is_finite() or value < 0 or value != value.quantize(CENT) or value > LARGEST:
        return f"{name} must be an amount ≥ 0 with at most two decimals, got {text!r}"
    return value.quantize(CENT)


def day(text: str, name: str) -> date | str:
    """A date YYYY-MM-DD, or why it is not one."""
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        return f"{name} must be a date as YYYY-MM-DD, got {text!r}"


def bill_row(
    msisdn: str, period: str, due: str, paid: str, due_text: str, paid_text: str
) -> tuple[str, str, Decimal, Decimal, date, date | None] | str:
    """The row's typed values (msisdn, period, due, paid, due date, paid date) or its problem."""
    if not MSISDN.match(msisdn):
        return f"msisdn {msisdn!r}: {msisdn_problem(msisdn) or 'invalid'}"
    problem = period_problem(period)
    if problem:
        return problem
    amount_due = amount(due, "amount_due")
    if isinstance(amount_due, str):
        return amount_due
    amount_paid = amount(paid, "amount_paid") if paid else Decimal("0.00")
    if isinstance(amount_paid, str):
        return amount_paid
    due_date = day(due_text, "due_date")
    if isinstance(due_date, str):
        return due_date
    paid_date = day(paid_text, "paid_date") if paid_text else None
    if isinstance(paid_date, str):
        return paid_date
    return msisdn, period, amount_due, amount_paid, due_date, paid_date
