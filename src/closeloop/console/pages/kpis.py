"""KPIs against their targets (服务标准看板): red/amber/green, sparklines, and a drill-down from
a number to the tickets behind it."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from closeloop.console import charts, labels
from closeloop.console.page import Page
from closeloop.kit.errors import NotFound
from closeloop.kpis.catalogue import BY_CODE, CATALOGUE
from closeloop.kpis.drill import tickets_behind
from closeloop.kpis.periods import Period, instant
from closeloop.kpis.report import row_of
from closeloop.kpis.targets import targets_on
from closeloop.kpis.values import kpi_values

router = APIRouter(include_in_schema=False)


def _period(page: Page, start: str, end: str) -> Period:
    """The period asked for (whole days), by default the last 30 days up to today."""
    tz, today = page.work.tz, page.work.today()
    try:
        last = date.fromisoformat(end) if end else today + timedelta(days=1)
        first = date.fromisoformat(start) if start else last - timedelta(days=30)
    except ValueError:
        last, first = today + timedelta(days=1), today - timedelta(days=29)
    if first >= last:
        first = last - timedelta(days=1)
    return Period(instant(first, tz), instant(last, tz), tz)


@router.get("/console/kpis", response_class=HTMLResponse)
def kpi_page(page: Page, start: str = "", end: str = "") -> HTMLResponse:
    """Every KPI for the period beside its target, coloured, with its daily line."""
    page.needs("kpis.read")
    period = _period(page, start, end)
    session, language = page.session, page.language
    codes = [k.code for k in CATALOGUE]
    last_day = (period.end - timedelta(microseconds=1)).astimezone(period.tz).date()
    targets = targets_on(session, last_day)
    daily: dict[str, list[float | None]] = {}
    for v in kpi_values(session, codes, period, "day"):
        daily.setdefault(v.code, []).append(v.value)
    rows = []
    for v in kpi_values(session, codes, period, None):
        current, upcoming = targets[v.code].current, targets[v.code].next
        row = row_of(v, current.value if current else None, language)
        row["next"] = upcoming
        row["spark"] = charts.sparkline(daily.get(v.code, []), title=row["name"])
        rows.append(row)
    return page.render(
        "kpis.html",
        rows=rows,
        first=period.start.astimezone(period.tz).date(),
        last=last_day,
        until=period.end.astimezone(period.tz).date(),
    )


@router.get("/console/kpis/{code}/tickets", response_class=HTMLResponse)
def kpi_tickets(page: Page, code: str, start: str = "", end: str = "") -> HTMLResponse:
    """The tickets a KPI counted in the period, newest first."""
    page.needs("kpis.read")
    kpi = BY_CODE.get(code)
    if kpi is None:
        raise NotFound(f"no KPI {code!r}")
    period = _period(page, start, end)
    return page.render(
        "kpi_tickets.html",
        kpi=kpi,
        name=kpi.name(page.language),
        tickets=tickets_behind(page.session, code, period),
        statuses=labels.STATUSES,
        first=period.start.astimezone(period.tz).date(),
        until=period.end.astimezone(period.tz).date(),
    )
