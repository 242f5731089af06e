"""Survey endpoints (CONTRACT §7 满意度调查): instruments, campaigns, results and the customers'
responses (no sign-in: the personal token is the key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from sqlalchemy import select

from closeloop.auth.deps import work_requiring
from closeloop.http.deps import RequestWork
from closeloop.kit.timefmt import iso
from closeloop.quality import answers, campaigns, results
from closeloop.quality.instruments import INSTRUMENTS
from closeloop.quality.models import Survey
from closeloop.quality.schemas import (
    InstrumentOut,
    ResponseIn,
    ResponseOut,
    SurveyCreated,
    SurveyIn,
    SurveyOut,
)
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["surveys"])

Reader = Annotated[Work, Depends(work_requiring("surveys.read"))]
Writer = Annotated[Work, Depends(work_requiring("surveys.write"))]


@router.get("/surveys/instruments")
def list_instruments(_work: Reader) -> list[InstrumentOut]:
    """The questionnaires: CSAT, NPS, SERVQUAL and loyalty, with their items."""
    return [InstrumentOut.of(i) for i in INSTRUMENTS.values()]


@router.post("/surveys", status_code=201)
def start_survey(body: SurveyIn, work: Writer) -> SurveyCreated:
    """Start a campaign: every invited customer gets an SMS with a personal link."""
    sample = None
    if body.sample is not None:
        sample = campaigns.SampleSpec(
            body.sample, body.region, body.segment, body.stratify, body.seed
        )
    survey, invited = campaigns.start_survey(
        work, body.instrument, body.name, msisdns=body.msisdns, sample=sample
    )
    return SurveyCreated(id=str(survey.id), invited=invited)


@router.get("/surveys")
def list_surveys(work: Reader) -> dict[str, list[SurveyOut]]:
    """Surveys, newest first."""
    rows = work.session.scalars(select(Survey).order_by(Survey.id.desc()).limit(500))
    items = [
        SurveyOut(id=str(s.id), instrument=s.instrument, name=s.name, source=s.source,
                  created_by=s.created_by, created_at=iso(s.created_at))
        for s in rows
    ]  # fmt: skip
    return {"items": items}


@router.get("/surveys/{survey_id}/results")
def survey_results(survey_id: str, work: Reader, by: str | None = None) -> dict[str, Any]:
    """Response rate and scores with 95 % intervals; per region, segment, channel, station or
    period with `?by=`."""
    return results.survey_results(work, results.get_survey(work, survey_id), by)


@router.post(
    "/survey-responses",
    status_code=201,
    responses={
        404: {"description": "no survey with this link"},
        409: {"description": "this link was answered already, or it expired"},
    },
)
def answer(body: ResponseIn, work: RequestWork) -> ResponseOut:
    """A customer's answers by their link's token (no sign-in); once per token."""
    response = answers.answer_by_token(work, body.token, body.answers, body.comment)
    followup = response.followup_ticket_id
    return ResponseOut(
        id=str(response.id), survey_id=str(response.survey_id),
        followup_ticket_id=str(followup) if followup else None,
    )  # fmt: skip
