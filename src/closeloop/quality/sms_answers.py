"""Survey answers by SMS (短信回复评价): a customer's reply to their open one-question survey
invitation (CSAT 1–5 or 满意/不满意, NPS 0–10) answers it through `answer_by_token`, with a
thank-you SMS; channels keeps any other text for an agent (it listens for `taken`)."""

from __future__ import annotations

from sqlalchemy import select

from closeloop.care.outbox import Notice, notify_customer
from closeloop.channels.events import CustomerTexted
from closeloop.channels.sms_inbox import REPLY_RULE
from closeloop.customers.models import Customer
from closeloop.quality.answers import answer_by_token
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.models import Survey, SurveyInvitation
from closeloop.quality.sms_reply_rules import read_score, thanks_text
from closeloop.runtime.work import Work


def _open_invitation(work: Work, customer_id: int) -> tuple[SurveyInvitation, Survey] | None:
    """The customer's newest invitation that may still be answered."""
    row = work.session.execute(
        select(SurveyInvitation, Survey)
        .join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(
            SurveyInvitation.customer_id == customer_id,
            SurveyInvitation.answered_at.is_(None),
            SurveyInvitation.expires_at > work.now(),
        )
        .order_by(SurveyInvitation.created_at.desc(), SurveyInvitation.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def answer_by_sms(work: Work, event: CustomerTexted) -> None:
    """Listener: a reply that answers the customer's open one-question survey answers it."""
    found = _open_invitation(work, event.customer_id)
    if found is None:
        return
    invitation, survey = found
    instrument = INSTRUMENTS[survey.instrument]
    if len(instrument.items) != 1:
        return  # a questionnaire is answered on its page, not by one SMS
    item = instrument.items[0]
    score = read_score(event.text, item)
    if score is None:
        return
    answer_by_token(work, invitation.token, {item.code: score})
    customer = work.session.get(Customer, event.customer_id)
    assert customer is not None
    notify_customer(work.session, customer, Notice(REPLY_RULE, thanks_text(score, item), event.at))
    event.taken.append("survey")
