"""Pure validation rules for mainland mobile numbers and resident ID numbers."""

from __future__ import annotations

import re
from datetime import date

# ASCII digits only ([0-9], not \d, which also matches full-width digits); \Z, not $, which
# would let a trailing newline through.
MSISDN_PATTERN = r"^1[3-9][0-9]{9}$"  # as JSON Schema writes it (with length 11: no newline)
MSISDN = re.compile(MSISDN_PATTERN.removesuffix("$") + r"\Z")
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
EMAIL = re.compile(EMAIL_PATTERN.removesuffix("$") + r"\Z")
ID_NUMBER = re.compile(r"^[0-9]{17}[0-9X]\Z")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def msisdn_problem(value: str) -> str | None:
    """Why this is not a mainland mobile number (11 digits, 1[3-9]…), or None when it is."""
    if not (value.isascii() and value.isdigit()):
        return "must contain digits only"
    if len(value) != 11:
        return "must be 11 digits"
    if not MSISDN.match(value):
        return "must start with 13–19"
    return None


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """Why this is not a valid 18-character resident ID number, or None when it is."""
    value = value.upper()
    if not ID_NUMBER.match(value):
        return "must be 17 digits followed by a digit or X"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "contains an impossible birth date"
    if id_check_digit(value[:17]) != value[17]:
        return "check digit does not match"
    return None
