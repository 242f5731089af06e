"""Answering a survey (答卷) by its personal token — from the public page, the API, or later an
SMS reply — and closing the loop on detractors (贬损客户回访): a CSAT of 1–2 or an NPS of 0–6
opens a complaint ticket for that customer, linked to the survey and the original ticket, under
the service promise for complaints (48 hours by default)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from closeloop.auth import audit
from closeloop.care.outbox import notify_staff
from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput
from closeloop.quality import scoring
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.invitations import open_invitation
from closeloop.quality.models import Survey, SurveyInvitation, SurveyResponse
from closeloop.quality.settings import FOLLOWUP_CATEGORY
from closeloop.runtime.work import Work
from closeloop.tickets.schemas import TicketIn
from closeloop.tickets.service import create_ticket

log = logging.getLogger(__name__)

# Who opens follow-up tickets: the survey itself, allowed to do only that.
SURVEY_ACTOR = Actor(
    username="survey", roles=("system",), permissions=frozenset({"tickets.create"})
)
COMMENT_MAX = 1000


def answer_by_token(
    work: Work, token: str, answers: Mapping[str, object], comment: str | None = None
) -> SurveyResponse:
    """Record a customer's answers to their invitation: 404 unknown token, 409 answered or
    expired, 422 a missing, unknown or out-of-range item (naming it)."""
    invitation = open_invitation(work, token, lock=True)
    survey = work.session.get(Survey, invitation.survey_id)
    assert survey is not None
    try:
        checked = scoring.check_answers(INSTRUMENTS[survey.instrument], answers)
    except scoring.AnswerProblem as problem:
        errors = [{"loc": ["answers", code], "msg": msg} for code, msg in problem.problems]
        raise InvalidInput(str(problem), errors) from None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise InvalidInput.field(["comment"], f"at most {COMMENT_MAX} characters")
    now = work.now()
    invitation.answered_at = now
    response = SurveyResponse(
        invitation_id=invitation.id, survey_id=survey.id, answers=checked,
        comment=(comment or "").strip() or None, created_at=now,
    )  # fmt: skip
    work.session.add(response)
    work.session.flush()
    audit.record(
        work.session, SURVEY_ACTOR, "survey.answer", "survey_response", response.id,
        f"survey {survey.id} invitation {invitation.id}", clock=work.clock,
    )  # fmt: skip
    if scoring.is_detractor(survey.instrument, checked):
        response.followup_ticket_id = open_followup(work, survey, invitation, checked)
    return response


def _description(survey: Survey, invitation: SurveyInvitation, answers: Mapping[str, int]) -> str:
    scores = "，".join(f"{k.upper()} {v}" for k, v in answers.items())
    lines = [
        f"客户在满意度调查“{survey.name}”（调查 {survey.id}）中给出 {scores}，请在承诺时限内回访。"
    ]
    if invitation.ticket_number:
        lines.append(f"原工单：{invitation.ticket_number}")
    return "\n".join(lines)


def open_followup(
    work: Work, survey: Survey, invitation: SurveyInvitation, answers: Mapping[str, int]
) -> int | None:
    """Open the detractor's follow-up complaint ticket; its id (None when the configured
    category is not a leaf: the supervisors are told instead, the answers are kept)."""
    data = TicketIn(
        customer_id=str(invitation.customer_id),
        channel="sms",
        type="complaint",
        category=str(work.business(FOLLOWUP_CATEGORY.key)),
        severity="normal",
        title=f"满意度调查贬损客户回访（调查 {survey.id}）",
        description=_description(survey, invitation, answers),
    )
    try:
        with work.session.begin_nested():
            ticket, _duplicate = create_ticket(
                work.session, SURVEY_ACTOR, data, tz=work.tz, clock=work.clock
            )
    except InvalidInput as problem:
        log.warning("detractor follow-up not opened: %s", problem.detail)
        notify_staff(
            work.session, "role:supervisor", "survey_detractor",
            f"满意度调查 {survey.id} 的贬损客户未能自动建单（{problem.detail}），请人工回访。",
            work.now(),
        )  # fmt: skip
        return None
    return ticket.id
