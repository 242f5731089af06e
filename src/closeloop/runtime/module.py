"""A module's manifest entry (模块清单): everything a domain brings to the platform, in one place.

`closeloop.modules` lists the modules in order; the app, the CLI, the worker, role seeding,
timelines, event listeners and Alembic's metadata are all built from that list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from fastapi import APIRouter, FastAPI
from sqlalchemy.orm import Session
from typer import Typer

from closeloop.runtime.business import BusinessSetting
from closeloop.runtime.events import DomainEvent, Listener
from closeloop.runtime.jobs import Job

# (session, customer, before, limit) → timeline entries; typed by `customers.timeline`
TimelineSource = Callable[..., list[Any]]


@dataclass(frozen=True)
class Module:
    """What one domain (or adapter) brings: read by the app, CLI, worker and migrations."""

    name: str
    models: tuple[ModuleType, ...] = ()
    routers: tuple[APIRouter, ...] = ()
    # console pages and other app wiring a router can't express (error handlers, static files)
    install: Callable[[FastAPI], None] | None = None
    commands: Mapping[str, Typer] = field(default_factory=dict)
    jobs: tuple[Job, ...] = ()
    roles: Mapping[str, str] = field(default_factory=dict)
    permissions: Mapping[str, str] = field(default_factory=dict)
    # role → the permissions of this module it holds by default
    grants: Mapping[str, frozenset[str]] = field(default_factory=dict)
    timeline_sources: tuple[TimelineSource, ...] = ()
    listeners: tuple[tuple[type[DomainEvent], Listener], ...] = ()
    # business settings an operator may change (业务参数), with their defaults
    settings: tuple[BusinessSetting, ...] = ()
    # default rows every installation needs, written by `closeloop migrate`; each returns a count
    defaults: tuple[Callable[[Session], int], ...] = ()
