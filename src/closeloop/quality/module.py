"""Service quality's manifest entry (服务质量): surveys and quality inspection (质检)."""

from __future__ import annotations

from closeloop.channels.events import CustomerTexted
from closeloop.knowledge.events import BotAnswered
from closeloop.quality import api, auto_csat, models, qa_api, settings, sms_answers
from closeloop.runtime.module import Module
from closeloop.tickets.events import TicketClosed

_QA = frozenset({"surveys.read", "qa.read", "qa.review", "qa.manage", "qa.settle"})
_AGENT = frozenset({"qa.own", "qa.dispute"})

MODULE = Module(
    name="quality",
    models=(models,),
    routers=(api.router, qa_api.router),
    roles={"qa": "质检员"},
    permissions={
        "surveys.read": "read survey campaigns and their results",
        "surveys.write": "start survey campaigns",
        "qa.read": "read every agent's quality reviews and scores",
        "qa.review": "score sampled tickets against a rubric (质检评分)",
        "qa.manage": "write rubrics, draw samples, assign coaching",
        "qa.settle": "settle an agent's dispute of a review as the second reviewer",
        "qa.own": "read one's own quality reviews and score",
        "qa.dispute": "dispute one's own review once, with a reason",
    },
    grants={
        "supervisor": _QA | {"surveys.write"},
        "qa": _QA | {"surveys.write", "tickets.read"},
        "agent": _AGENT,
        "expert": _AGENT,
        "callback": _AGENT | {"surveys.read"},
    },
    settings=settings.SETTINGS,
    listeners=(
        (TicketClosed, auto_csat.after_callback),
        (BotAnswered, auto_csat.after_bot_answer),
        (CustomerTexted, sms_answers.answer_by_sms),
    ),
)
