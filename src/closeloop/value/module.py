"""Customer value and retention's manifest entry (客户价值与保有)."""

from __future__ import annotations

from datetime import timedelta

from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module
from closeloop.value import api, cli, models, settings, tasks

MODULE = Module(
    name="value",
    models=(models,),
    routers=(api.router,),
    commands={"churn": cli.churn_app, "value": cli.value_app},
    jobs=(
        every(timedelta(hours=24), "value.recompute", tasks.nightly_recompute),
        every(timedelta(days=30), "value.retrain", tasks.monthly_retrain),
    ),
    settings=settings.SETTINGS,
    permissions={
        "value.read": "read customers' value, lifecycle, churn risk and retention candidates",
        "retention.work": "read retention tasks and record their outcomes",
        "retention.plan": "open retention tasks for the best candidates",
        "value.reports": "read the value page: segment sizes, lifecycle flows, churn risk",
    },
    grants={
        "supervisor": frozenset(
            {"value.read", "value.reports", "retention.work", "retention.plan"}
        ),
        "agent": frozenset({"value.read"}),
        "expert": frozenset({"value.read"}),
        "callback": frozenset({"value.read", "retention.work"}),
    },
)
