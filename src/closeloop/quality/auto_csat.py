"""Automatic CSAT invitations (自动满意度调查): after a callback closes a ticket and after the
self-service bot answered a known customer — when switched on (business setting), and at most
one survey per customer in `quality.auto_csat_days` days (a week by default)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from closeloop.customers.models import Customer
from closeloop.knowledge.events import BotAnswered
from closeloop.quality.campaigns import standing_survey
from closeloop.quality.invitations import About, invite, recently_invited
from closeloop.quality.settings import AUTO_CSAT, AUTO_CSAT_DAYS
from closeloop.runtime.work import Work
from closeloop.tickets.events import TicketClosed


def _invite_customer(
    work: Work, customer: Customer | None, source: str, about: About, at: datetime
) -> None:
    if customer is None or not work.business(AUTO_CSAT.key):
        return
    if recently_invited(work, customer.id, int(work.business(AUTO_CSAT_DAYS.key)), at):
        return
    invite(work, standing_survey(work, source), customer, about, at)


def after_callback(work: Work, event: TicketClosed) -> None:
    """A callback closed a ticket (回访办结): invite its customer to rate the service."""
    if event.action != "callback":
        return
    ticket = event.ticket
    about = About(ticket.id, ticket.number, ticket.channel, ticket.station)
    customer = work.session.get(Customer, ticket.customer_id)
    _invite_customer(work, customer, "callback", about, event.at)


def after_bot_answer(work: Work, event: BotAnswered) -> None:
    """The bot answered a known customer: invite them to rate the self-service."""
    customer = work.session.scalar(select(Customer).where(Customer.msisdn == event.msisdn))
    _invite_customer(work, customer, "bot", About(channel="online"), event.at)
