"""The channels' manifest entry (渠道): live chat with agents, phone-system events, tracking."""

from __future__ import annotations

from datetime import timedelta

from closeloop.care.events import TextReceived
from closeloop.channels import (
    chat_api,
    chat_queue,
    cti_api,
    mail_api,
    mail_cli,
    mail_models,
    mail_poll,
    mail_timeline,
    models,
    settings,
    sms_api,
    sms_inbox,
    timeline,
)
from closeloop.knowledge.events import ChatHandedOver, ChatTurnSaid
from closeloop.runtime.jobs import every_standalone
from closeloop.runtime.module import Module

_CHAT = frozenset({"chats.handle"})
_MAIL = frozenset({"mail.read", "mail.reply", "mail.attachments"})

MODULE = Module(
    name="channels",
    models=(models, mail_models),
    routers=(
        chat_api.router,
        chat_api.customer_router,
        cti_api.router,
        sms_api.router,
        mail_api.router,
    ),
    commands={"mail": mail_cli.app},
    jobs=(every_standalone(timedelta(minutes=1), "channels.mail_poll", mail_poll.poll_job),),
    roles={"cti": "电话系统 (CTI/PBX machine client)"},
    settings=settings.SETTINGS,
    permissions={
        "chats.handle": "take and answer live chats handed over by the bot (在线人工)",
        "chats.oversee": "see every agent's live chats",
        "cti.events": "report phone calls (ringing, answered, ended) as the phone system",
        "mail.read": "read the mails of the tickets one may see (邮件)",
        "mail.reply": "answer a ticket's customer by mail (邮件回复)",
        "mail.attachments": "download the files customers mailed (邮件附件)",
    },
    grants={
        "supervisor": _CHAT | _MAIL | {"chats.oversee"},
        "agent": _CHAT | _MAIL,
        "expert": _CHAT | _MAIL,
        "station": frozenset({"mail.read", "mail.attachments"}),
        "cti": frozenset({"cti.events"}),
        "client": frozenset({"cti.events"}),
    },
    timeline_sources=(timeline.chats_source, mail_timeline.mails_source),
    listeners=(
        (ChatTurnSaid, chat_queue.keep_turn),
        (ChatHandedOver, chat_queue.queue_handed_over),
        (TextReceived, sms_inbox.answer_text),
    ),
)
