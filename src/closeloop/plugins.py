"""Modules that register periodic jobs and timeline sources when they are imported."""

from __future__ import annotations

from importlib import import_module

REGISTERING_MODULES = (
    "closeloop.tmf.native_events",
    "closeloop.db.models",
    "closeloop.auth.tasks",
    "closeloop.tickets.tasks",
    "closeloop.tickets.timeline",
    "closeloop.care.timeline",
    "closeloop.care.tasks",
    "closeloop.tmf.delivery",
)


def load() -> None:
    """Import every registering module (idempotent)."""
    for name in REGISTERING_MODULES:
        import_module(name)
