"""Survey pages (满意度调查): the surveys, each one's results with intervals and charts (the
SERVQUAL gap per dimension as a diverging bar chart), CSV and XLSX export."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from closeloop.console import charts
from closeloop.console.labels import N_
from closeloop.console.page import Page
from closeloop.quality import exports, results
from closeloop.quality.instruments import SERVQUAL_DIMENSIONS
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


@router.get("/console/surveys", response_class=HTMLResponse)
def survey_list(page: Page) -> HTMLResponse:
    """The surveys, newest first."""
    page.needs("surveys.read")
    surveys = list(page.session.scalars(select(Survey).order_by(Survey.id.desc()).limit(200)))
    return page.render("surveys.html", surveys=surveys, active="surveys")


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
