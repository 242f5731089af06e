"""Balanced scorecards (平衡计分卡) on the console: units ranked by their weighted score for a
month or quarter, beside the period before, with a bar chart of the scores."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from closeloop.console import charts
from closeloop.console.labels import N_
from closeloop.console.page import Page
from closeloop.console.pickers import station_names
from closeloop.kit.errors import InvalidInput
from closeloop.kpis import named_periods
from closeloop.kpis.catalogue import BY_CODE
from closeloop.kpis.named_periods import NamedPeriod, month_of
from closeloop.kpis.scorecards import UNITS, parse_unit, scorecards

router = APIRouter(include_in_schema=False)

PERSPECTIVES = {
    "customer": N_("Customer"),
    "process": N_("Process"),
    "people": N_("People"),
    "finance": N_("Finance"),
}
UNIT_KINDS = {
    "station": N_("Station"),
    "region": N_("Region"),
    "channel": N_("Channel"),
    "category": N_("Category"),
    "agent": N_("Agent"),
}


def chosen_period(
    page: Page, text: str, kinds: tuple[str, ...] = ("month", "quarter")
) -> NamedPeriod:
    """The month or quarter asked for; this month when none or not one."""
    if text:
        try:
            return named_periods.parse(text, "period", kinds)
        except InvalidInput:
            pass
    return month_of(page.work.today())


@router.get("/console/kpis/scorecards", response_class=HTMLResponse)
def scorecard_page(page: Page, period: str = "", unit: str = "station") -> HTMLResponse:
    """Units ranked by their balanced scorecard, month over month."""
    page.needs("kpis.read")
    named = chosen_period(page, period)
    try:
        kind = parse_unit(unit)
    except InvalidInput:
        kind = "station"
    found = scorecards(page.work, named, kind)
    names = station_names(page.session, page.language) if kind == "station" else {}
    _ = page.gettext
    chart = charts.bar_chart(
        [(names.get(c.unit, c.unit), round(c.score)) for c in found.cards if c.score is not None],
        title=_("Scorecard score by unit, %(period)s") % {"period": named.name},
    )
    return page.render(
        "kpi_scorecards.html",
        found=found,
        names=names,
        chart=chart,
        kpis=BY_CODE,
        perspectives=PERSPECTIVES,
        unit_kinds=UNIT_KINDS,
        units=UNITS,
        language=page.language,
    )
