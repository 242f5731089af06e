"""The module manifest (模块清单): the ordered list of what makes up CloseLoop.

Adding a domain = a new package with a `module.py` + one line in `MODULES` + its migration.
The app, the CLI, the worker, role seeding, timelines, event listeners and Alembic's metadata
are all built from this list; nothing else names every domain.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import MetaData
from sqlalchemy.orm import Session

from closeloop.auth.bootstrap import sync_roles
from closeloop.auth.module import MODULE as AUTH
from closeloop.billing.module import MODULE as BILLING
from closeloop.care.module import MODULE as CARE
from closeloop.channels.module import MODULE as CHANNELS
from closeloop.console.module import MODULE as CONSOLE
from closeloop.credit.module import MODULE as CREDIT
from closeloop.customers.module import MODULE as CUSTOMERS
from closeloop.customers.timeline import timeline_source
from closeloop.db.base import Base
from closeloop.knowledge.module import MODULE as KNOWLEDGE
from closeloop.kpis.module import MODULE as KPIS
from closeloop.opinion.module import MODULE as OPINION
from closeloop.organisation.module import MODULE as ORGANISATION
from closeloop.problems.module import MODULE as PROBLEMS
from closeloop.quality.module import MODULE as QUALITY
from closeloop.runtime import business
from closeloop.runtime.events import EventBus, bus
from closeloop.runtime.jobs import Job
from closeloop.runtime.module import Module
from closeloop.tickets.module import MODULE as TICKETS
from closeloop.tmf.module import MODULE as TMF
from closeloop.value.module import MODULE as VALUE
from closeloop.worker import jobs as worker_jobs
from closeloop.worker import models as worker_models
from closeloop.workforce.module import MODULE as WORKFORCE

PLATFORM = Module(name="platform", models=(worker_models, business))

# Kernel first, then the operational domains, then the adapters: the order routers, CLI
# sub-commands and listeners are added in.
MODULES: tuple[Module, ...] = (
    PLATFORM,
    AUTH,
    ORGANISATION,
    CUSTOMERS,
    TICKETS,
    BILLING,
    CARE,
    KNOWLEDGE,
    PROBLEMS,
    CREDIT,
    QUALITY,
    WORKFORCE,
    CHANNELS,
    OPINION,
    KPIS,
    VALUE,
    TMF,
    CONSOLE,
)


def metadata() -> MetaData:
    """The whole schema's metadata (every module's models are imported above)."""
    return Base.metadata


def jobs(modules: Iterable[Module] = MODULES) -> dict[str, Job]:
    """Every periodic job by name."""
    return {job.name: job for m in modules for job in m.jobs}


def permissions(modules: Iterable[Module] = MODULES) -> dict[str, str]:
    """Every permission with what it allows."""
    return {code: text for m in modules for code, text in m.permissions.items()}


def roles(modules: Iterable[Module] = MODULES) -> dict[str, str]:
    """Every role with its name."""
    return {code: name for m in modules for code, name in m.roles.items()}


def role_permissions(modules: Iterable[Module] = MODULES) -> dict[str, set[str]]:
    """Each role's default permissions: what every module grants it; `admin` holds them all."""
    modules = tuple(modules)
    granted: dict[str, set[str]] = {role: set() for role in roles(modules)}
    for m in modules:
        for role, codes in m.grants.items():
            granted.setdefault(role, set()).update(codes)
    granted["admin"] = set(permissions(modules))
    return granted


def wire(event_bus: EventBus = bus, modules: Iterable[Module] = MODULES) -> None:
    """Register every module's listeners, jobs, timeline sources and business settings
    (idempotent)."""
    for m in modules:
        for event_type, listener in m.listeners:
            event_bus.subscribe(event_type, listener)
        for source in m.timeline_sources:
            timeline_source(source)
        worker_jobs.REGISTRY.update({job.name: job for job in m.jobs})
        for setting in m.settings:
            business.register(setting)


def sync_defaults(session: Session, modules: Iterable[Module] = MODULES) -> int:
    """Write the default roles, grants and every module's default rows; how many were added."""
    modules = tuple(modules)
    added = sync_roles(session, roles(modules), role_permissions(modules), permissions(modules))
    return added + sum(default(session) for m in modules for default in m.defaults)


# The composition root wires the process when first imported (the app, the CLI, the migrations
# and the test suite all import it), so a service called from anywhere reaches its listeners.
wire()
