"""Survey pages (满意度调查): the surveys and a form to start a campaign, each one's results
with intervals and charts (the SERVQUAL gap per dimension as a diverging bar chart), CSV and
XLSX export."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from closeloop.console import charts
from closeloop.console.labels import N_
from closeloop.console.page import Page
from closeloop.console.posted import Posted
from closeloop.console.web import redirect
from closeloop.kit.errors import InvalidInput
from closeloop.quality import campaigns, exports, results
from closeloop.quality.campaigns import STRATA, SampleSpec
from closeloop.quality.instruments import INSTRUMENTS, SERVQUAL_DIMENSIONS
from closeloop.quality.models import Survey

router = APIRouter(include_in_schema=False)

DIMENSIONS = {
    "tangibles": N_("Tangibles"),
    "reliability": N_("Reliability"),
    "responsiveness": N_("Responsiveness"),
    "assurance": N_("Assurance"),
    "empathy": N_("Empathy"),
}
GROUPINGS = {
    "region": N_("Region"),
    "segment": N_("Segment"),
    "channel": N_("Channel"),
    "station": N_("Station"),
    "period": N_("Month"),
}


NUMBERS = re.compile(r"[\s,，;；、]+")


def _list_page(
    page: Page, *, typed: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> HTMLResponse:
    surveys = list(page.session.scalars(select(Survey).order_by(Survey.id.desc()).limit(200)))
    return page.render(
        "surveys.html", status_code=422 if errors else 200, surveys=surveys, active="surveys",
        instruments=INSTRUMENTS.values(), strata=STRATA, typed=typed or {}, errors=errors or {},
        can_start=page.actor.can("surveys.write"),
    )  # fmt: skip


@router.get("/console/surveys", response_class=HTMLResponse)
def survey_list(page: Page) -> HTMLResponse:
    """The surveys, newest first, and the form that starts a campaign."""
    page.needs("surveys.read")
    return _list_page(page)


def _sample(posted: dict[str, str]) -> SampleSpec:
    size = posted.get("sample", "").strip()
    if not size.isdigit() or int(size) < 1:
        raise InvalidInput.field("sample", "a number of customers, 1 or more")
    return SampleSpec(
        size=int(size), region=posted.get("region", "").strip() or None,
        segment=posted.get("segment", "").strip() or None,
        stratify=posted.get("stratify") or None,
    )  # fmt: skip


@router.post("/console/surveys", response_class=HTMLResponse)
def start_campaign(page: Page, posted: Posted) -> Response:
    """Start a campaign from the list page: to the numbers typed, or to a random sample."""
    page.check_csrf(posted.get("csrf_token"))
    page.needs("surveys.write")
    numbers = [n for n in NUMBERS.split(posted.get("msisdns", "")) if n]
    name = posted.get("name", "").strip()
    instrument = posted.get("instrument", "")
    try:
        if not name:
            raise InvalidInput.field("name", "required")
        if posted.get("audience") == "numbers" and not numbers:
            raise InvalidInput.field("msisdns", "type at least one number")
        with page.session.begin_nested():
            if posted.get("audience") == "numbers":
                survey, _ = campaigns.start_survey(page.work, instrument, name, msisdns=numbers)
            else:
                sample = _sample(posted)
                survey, _ = campaigns.start_survey(page.work, instrument, name, sample=sample)
    except InvalidInput as exc:
        errors = {str(e["loc"][0]): str(e["msg"]) for e in exc.extra.get("errors", [])}
        return _list_page(page, typed=posted, errors=errors or {"msisdns": exc.detail})
    return redirect(f"/console/surveys/{survey.id}")


def _charts(page: Page, found: dict[str, Any]) -> dict[str, Markup]:
    _ = page.gettext
    drawn: dict[str, Markup] = {}
    if "distribution" in found and found.get("csat") is not None:
        rows = [(k, int(v)) for k, v in found["distribution"].items()]
        drawn["distribution"] = charts.bar_chart(rows, title=_("Answers by score"))
    if "dimensions" in found:
        gaps = [
            (_(DIMENSIONS[d]), float(found["dimensions"][d]["gap"]))
            for d in SERVQUAL_DIMENSIONS
            if found["dimensions"][d]["gap"] is not None
        ]
        if gaps:
            drawn["gaps"] = charts.diverging_bars(
                gaps, title=_("Service quality gap (perception − expectation) by dimension")
            )
    return drawn


@router.get("/console/surveys/{survey_id}", response_class=HTMLResponse)
def survey_results(survey_id: str, page: Page, by: str | None = None) -> HTMLResponse:
    """A survey's results: response rate and scores with 95 % intervals, charts, groups."""
    page.needs("surveys.read")
    survey = results.get_survey(page.work, survey_id)
    grouping = by if by in GROUPINGS else None
    found = results.survey_results(page.work, survey, grouping)
    return page.render(
        "survey_results.html", survey=survey, r=found, charts=_charts(page, found),
        dimensions=DIMENSIONS, groupings=GROUPINGS, by=grouping, active="surveys",
    )  # fmt: skip


@router.get("/console/surveys/{survey_id}/export.csv")
def export_csv(survey_id: str, page: Page) -> Response:
    """The survey's answers as CSV (numbers masked)."""
    survey = results.get_survey(page.work, survey_id)
    return Response(
        exports.as_csv(page.work, survey), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}.csv"'},
    )  # fmt: skip


@router.get("/console/surveys/{survey_id}/export.xlsx")
def export_xlsx(survey_id: str, page: Page) -> Response:
    """The survey's answers as an Excel workbook (numbers masked)."""
    survey = results.get_survey(page.work, survey_id)
    return Response(
        exports.as_xlsx(page.work, survey),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}.xlsx"'},
    )
