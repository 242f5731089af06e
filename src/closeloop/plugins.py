"""Modules that register periodic jobs and timeline sources when they are imported."""

from __future__ import annotations

from importlib import import_module

REGISTERING_MODULES = (
    "closeloop.db.models",
    "closeloop.auth.tasks",
    "closeloop.tickets.tasks",
    "closeloop.tickets.timeline",
    "closeloop.care.timeline",
)


def load() -> None:
    """Import every registering module (idempotent)."""
    for name in REGISTERING_MODULES:
        import_module(name)
