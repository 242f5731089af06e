"""The channels' manifest entry (渠道): live chat with agents, phone-system events, tracking."""

from __future__ import annotations

from closeloop.care.events import TextReceived
from closeloop.channels import (
    chat_api,
    chat_queue,
    cti_api,
    models,
    settings,
    sms_api,
    sms_inbox,
    timeline,
)
from closeloop.knowledge.events import ChatHandedOver, ChatTurnSaid
from closeloop.runtime.module import Module

_CHAT = frozenset({"chats.handle"})

MODULE = Module(
    name="channels",
    models=(models,),
    routers=(chat_api.router, chat_api.customer_router, cti_api.router, sms_api.router),
    roles={"cti": "电话系统 (CTI/PBX machine client)"},
    settings=settings.SETTINGS,
    permissions={
        "chats.handle": "take and answer live chats handed over by the bot (在线人工)",
        "chats.oversee": "see every agent's live chats",
        "cti.events": "report phone calls (ringing, answered, ended) as the phone system",
    },
    grants={
        "supervisor": _CHAT | {"chats.oversee"},
        "agent": _CHAT,
        "expert": _CHAT,
        "cti": frozenset({"cti.events"}),
        "client": frozenset({"cti.events"}),
    },
    timeline_sources=(timeline.chats_source,),
    listeners=(
        (ChatTurnSaid, chat_queue.keep_turn),
        (ChatHandedOver, chat_queue.queue_handed_over),
        (TextReceived, sms_inbox.answer_text),
    ),
)
