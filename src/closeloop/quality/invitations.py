"""Survey invitations (调查邀请): a personal link per customer, sent through care's outbox.

The SMS goes under care's rule `survey_invite`, so a customer who declined it gets none and a
notice raised in quiet hours waits for the morning. The link's token is the only key to the
questionnaire: it expires after 14 days and answers once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from closeloop.care.outbox import Notice, notify_customer
from closeloop.care.rules import SURVEY_INVITE
from closeloop.customers.models import Customer
from closeloop.kit.errors import Conflict, NotFound
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.models import Survey, SurveyInvitation
from closeloop.quality.settings import SURVEY_LINK
from closeloop.runtime.work import Work

VALID_FOR = timedelta(days=14)


@dataclass(frozen=True)
class About:
    """What an invitation is about: the ticket that led to it (its number, channel, station)."""

    ticket_id: int | None = None
    ticket_number: str | None = None
    channel: str | None = None
    station: str | None = None


def link(work: Work, token: str) -> str:
    """The customer's personal survey address, ending in /s/{token}."""
    return f"{str(work.business(SURVEY_LINK.key)).rstrip('/')}/s/{token}"


def invitation_text(work: Work, survey: Survey, token: str) -> str:
    """The SMS inviting a customer to answer."""
    instrument = INSTRUMENTS[survey.instrument]
    minutes = 1 if len(instrument.items) <= 2 else 5
    # the link closes the text: whatever reads it, the token runs to the end
    return (
        f"【服务调查】您好，诚邀您参与“{survey.name}”（约{minutes}分钟，14天内有效）："
        f"{link(work, token)}"
    )


def invite(
    work: Work,
    survey: Survey,
    customer: Customer,
    about: About = About(),
    at: datetime | None = None,
) -> SurveyInvitation | None:
    """Invite one customer (at `at`, default now): an invitation with a fresh token and its SMS
    in the outbox. None when the customer declined survey invitations or the rule is off."""
    token = secrets.token_hex(20)  # 160 bits, letters and digits only
    now = at or work.now()
    notice = Notice(
        rule=SURVEY_INVITE,
        text=invitation_text(work, survey, token),
        at=now,
        ticket_id=about.ticket_id,
        dedup_key=f"survey:{token}",
    )
    if notify_customer(work.session, customer, notice) is None:
        return None
    invitation = SurveyInvitation(
        survey_id=survey.id,
        customer_id=customer.id,
        msisdn=customer.msisdn,
        token=token,
        created_at=now,
        expires_at=now + VALID_FOR,
        notified=True,
        ticket_id=about.ticket_id,
        ticket_number=about.ticket_number,
        region=customer.region,
        segment=customer.segment,
        channel=about.channel,
        station=about.station,
    )
    work.session.add(invitation)
    return invitation


def open_invitation(work: Work, token: str, *, lock: bool = False) -> SurveyInvitation:
    """The invitation a link names, if it may still be answered: 404 unknown, 409 answered or
    expired."""
    query = select(SurveyInvitation).where(SurveyInvitation.token == token)
    if lock:
        query = query.with_for_update()
    invitation = work.session.scalar(query) if 8 <= len(token) <= 43 else None
    if invitation is None:
        raise NotFound("no survey with this link")
    if invitation.answered_at is not None:
        raise Conflict("this survey has already been answered", extra={"reason": "answered"})
    if work.now() >= invitation.expires_at:
        raise Conflict("this survey link has expired", extra={"reason": "expired"})
    return invitation


def recently_invited(work: Work, customer_id: int, days: int, at: datetime) -> bool:
    """Whether the customer was invited to any survey in the `days` days before `at`."""
    since = at - timedelta(days=days)
    found = work.session.scalar(
        select(SurveyInvitation.id)
        .where(SurveyInvitation.customer_id == customer_id, SurveyInvitation.created_at > since)
        .limit(1)
    )
    return found is not None
