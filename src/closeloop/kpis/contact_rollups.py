"""Day rollups of the contact KPIs (接触类指标日汇总) kept from the customers' and the bot's
events: handling time (`aht`) when a contact ends, self-service containment
(`bot_containment`) when a conversation starts and when the bot hands it over with a ticket.

Each event adds exactly the rows `facts.aht` / `facts.bot_containment` count for it, so the
rollups equal a recomputation (tests/kpis/test_rollups.py).
"""

from __future__ import annotations

from sqlalchemy import select

from closeloop.customers.events import ContactEnded
from closeloop.customers.models import Customer
from closeloop.knowledge.events import ChatStarted, ChatTicketOpened
from closeloop.kpis.rollups import defer
from closeloop.runtime.work import Work

ONLINE = "online"


def contact_ended(work: Work, event: ContactEnded) -> None:
    """Listener: an ended contact adds its handling time at its end (by the customer's
    region, the contact's channel and agent)."""
    region = work.session.scalar(select(Customer.region).where(Customer.id == event.customer_id))
    row = ("aht", event.at, None, region, event.channel, None, event.agent,
           float(event.duration_seconds), 1.0, None)  # fmt: skip
    defer(work.session, [row])


def chat_started(work: Work, event: ChatStarted) -> None:
    """Listener: a conversation started counts as contained until it is handed over."""
    row = ("bot_containment", event.at, None, None, ONLINE, None, None, 1.0, 1.0, None)
    defer(work.session, [row])


def chat_ticket_opened(work: Work, event: ChatTicketOpened) -> None:
    """Listener: a conversation handed over with a ticket is no longer contained (counted on
    the day it started, like the recomputation)."""
    row = ("bot_containment", event.started_at, None, None, ONLINE, None, None, -1.0, 0.0, None)
    defer(work.session, [row])


LISTENERS = (
    (ContactEnded, contact_ended),
    (ChatStarted, chat_started),
    (ChatTicketOpened, chat_ticket_opened),
)
