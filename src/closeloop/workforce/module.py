"""Workforce management's manifest entry (排班与话务预测): volumes, forecasts, staffing,
rosters, intraday load alerts and agents' states."""

from __future__ import annotations

from datetime import timedelta

from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module
from closeloop.workforce import api, cli, intraday, models, settings

MODULE = Module(
    name="workforce",
    models=(models,),
    routers=(api.router,),
    commands={"wfm": cli.wfm_app},
    jobs=(every(timedelta(minutes=5), "wfm.watch_load", intraday.watch_load),),
    settings=settings.SETTINGS,
    permissions={
        "wfm.read": "read contact volumes, forecasts, intraday load, occupancy and the roster",
        "wfm.plan": "build and publish rosters, import volume history, set agents' states",
        "wfm.state": "record one's own state (signed in, on contact, after-contact work, break)",
    },
    grants={
        "supervisor": frozenset({"wfm.read", "wfm.plan", "wfm.state"}),
        "agent": frozenset({"wfm.state"}),
        "expert": frozenset({"wfm.state"}),
        "callback": frozenset({"wfm.state"}),
    },
)
