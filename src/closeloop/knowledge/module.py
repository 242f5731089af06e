"""The knowledge domain's manifest entry (知识库): articles, search, the self-service bot."""

from __future__ import annotations

from datetime import timedelta

from closeloop.knowledge import api, cli, models
from closeloop.knowledge.bot import levels
from closeloop.runtime.jobs import every_standalone
from closeloop.runtime.module import Module

_READ = frozenset({"kb.read", "kb.search"})
_USE = _READ | {"kb.use", "kb.feedback"}

MODULE = Module(
    name="knowledge",
    models=(models,),
    routers=(api.router, api.assist_router),
    commands={"kb": cli.app},
    jobs=(every_standalone(timedelta(minutes=1), "knowledge.bot_levels", levels.refresh_live),),
    permissions={
        "kb.read": "read published knowledge articles and their scripts",
        "kb.search": "search the knowledge base and get suggestions for a ticket",
        "kb.use": "record that an article's answer was used in a ticket",
        "kb.feedback": "mark an article helpful or not helpful",
        "kb.draft": "write and change knowledge drafts, import articles",
        "kb.submit": "submit a draft for review",
        "kb.approve": "approve or reject an article in review",
        "kb.publish": "publish an approved article, roll back to an earlier version",
        "kb.retire": "retire a published article",
    },
    grants={
        "supervisor": _USE | {"kb.approve", "kb.publish", "kb.retire"},
        "agent": _USE,
        "expert": _USE,
        "callback": _USE,
        "editor": _READ | {"kb.draft", "kb.submit"},
        "station": _READ,
    },
)
