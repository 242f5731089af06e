"""The KPI module's manifest entry (服务标准与指标): the catalogue, targets, values, rollups,
scorecards and reports — read-only analytics over the domains below it."""

from __future__ import annotations

from closeloop.kpis import (
    api,
    cli,
    contact_rollups,
    models,
    report_settings,
    rollups,
    scorecard_api,
    targets,
    weights,
)
from closeloop.runtime.module import Module
from closeloop.tickets.events import TicketChanged

_READ = frozenset({"kpis.read"})

MODULE = Module(
    name="kpis",
    models=(models,),
    routers=(api.router, scorecard_api.router),
    commands={"report": cli.app},
    permissions={
        "kpis.read": "read KPIs, targets, scorecards and reports",
        "kpis.targets": "set KPI targets and scorecard weights",
    },
    grants={
        "supervisor": _READ | {"kpis.targets"},
        "expert": _READ,
    },
    listeners=((TicketChanged, rollups.keep_up), *contact_rollups.LISTENERS),
    settings=(report_settings.REPORT_RECIPIENTS,),
    defaults=(targets.sync_targets, weights.sync_weights),
)
