"""Masking of personal data (phone and ID numbers) for roles that may not read it."""

from __future__ import annotations


def mask_msisdn(msisdn: str) -> str:
    """138****5678 — keeps the operator prefix and the last four digits."""
    if len(msisdn) < 8:
        return "*" * len(msisdn)
    return f"{msisdn[:3]}{'*' * (len(msisdn) - 7)}{msisdn[-4:]}"


def mask_id_number(id_number: str) -> str:
    """430102********1234 — keeps the region code and the last four characters."""
    if len(id_number) < 11:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"
