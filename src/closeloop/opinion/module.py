"""The opinion domain's manifest entry (舆情监测): watched posts, their follow-up, reports."""

from __future__ import annotations

from datetime import timedelta

from closeloop.opinion import api, cli, models, tasks, timeline
from closeloop.opinion.settings import SETTINGS
from closeloop.opinion.watch_rules import write_defaults
from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module

_READ = frozenset({"opinion.read"})

MODULE = Module(
    name="opinion",
    models=(models,),
    routers=(api.router,),
    commands={"opinion": cli.app},
    jobs=(every(timedelta(hours=1), "opinion.bursts", tasks.bursts),),
    roles={"crawler": "舆情采集接口 (crawler API client)"},
    permissions={
        "opinion.ingest": "send social posts to the opinion webhook (a crawler's scope)",
        "opinion.read": "read watched posts and the opinion report",
        "opinion.reply": "record the public reply given to a post",
        "opinion.watch": "change the watch rules (brand, product and hotline terms, exclusions)",
    },
    grants={
        "crawler": frozenset({"opinion.ingest"}),
        "supervisor": _READ | {"opinion.reply", "opinion.watch"},
        "agent": _READ | {"opinion.reply"},
        "expert": _READ,
    },
    timeline_sources=(timeline.posts_source,),
    settings=SETTINGS,
    defaults=(write_defaults,),
)
