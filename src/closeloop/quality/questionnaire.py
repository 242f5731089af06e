"""What the public survey page shows (问卷页面): the questions of an invitation and nothing of
the customer beyond the masked number; the answers a posted form carries."""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.kit.masking import mask_msisdn
from closeloop.quality.instruments import INSTRUMENTS, Instrument
from closeloop.quality.invitations import open_invitation
from closeloop.quality.models import Survey
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class Questionnaire:
    """An open invitation as its page shows it."""

    survey_name: str
    masked_msisdn: str
    instrument: Instrument
    expires_at_iso: str


def questionnaire(work: Work, token: str) -> Questionnaire:
    """The questionnaire of an open invitation (404 unknown, 409 answered or expired)."""
    invitation = open_invitation(work, token)
    survey = work.session.get(Survey, invitation.survey_id)
    assert survey is not None
    return Questionnaire(
        survey.name, mask_msisdn(invitation.msisdn), INSTRUMENTS[survey.instrument],
        invitation.expires_at.isoformat(),
    )  # fmt: skip


def form_answers(instrument: Instrument, posted: dict[str, str]) -> dict[str, object]:
    """The answers of a posted form: whole numbers where they parse, the text otherwise (so
    the check names it), items left blank absent."""
    answers: dict[str, object] = {}
    for item in instrument.items:
        value = posted.get(item.code, "").strip()
        if value:
            answers[item.code] = int(value) if value.lstrip("-").isdigit() else value
    return answers
