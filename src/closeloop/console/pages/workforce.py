"""Workforce pages (排班与话务): today's load against the forecast (refreshing), quiet periods,
one's own state, and the published roster with its CSV/XLSX export."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from closeloop.console.interval_chart import interval_chart
from closeloop.console.labels import N_
from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Posted
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import InvalidInput
from closeloop.workforce import intraday, quiet, roster, states
from closeloop.workforce.volumes import volumes

router = APIRouter(include_in_schema=False)

REFRESH_SECONDS = 60
PAGE = "/console/wfm"
STATE_NAMES = {
    "signed_in": N_("Signed in"),
    "on_contact": N_("On a contact"),
    "after_contact_work": N_("After-contact work"),
    "break": N_("On a break"),
    "signed_out": N_("Signed out"),
}
WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                 N_("Saturday"), N_("Sunday"))  # fmt: skip


def _intraday(page: PageContext) -> dict[str, Any]:
    _ = page.gettext
    view = intraday.today(page.work, 30, "hotline")
    labels = [f"{r.start.astimezone(page.work.tz):%H:%M}" for r in view.rows]
    return {
        "view": view,
        "interval_labels": labels,
        "contacts_chart": interval_chart(
            labels,
            (_("Actual contacts"), [r.actual for r in view.rows]),
            [
                (_("Forecast"), [r.forecast for r in view.rows]),
                (_("Re-forecast"), [r.reforecast for r in view.rows]),
            ],
            title=_("Contacts per half hour today: actual against forecast"),
        ),
        "agents_chart": interval_chart(
            labels,
            (_("Signed-in agents"), [r.signed_in for r in view.rows]),
            [
                (_("Agents required (forecast)"), [r.required for r in view.rows]),
                (_("Agents required (re-forecast)"), [r.required_now for r in view.rows]),
            ],
            title=_("Agents per half hour today: required against signed in"),
        ),
    }


@router.get(PAGE, response_class=HTMLResponse)
def workforce(page: Page) -> HTMLResponse:
    """Intraday load (for supervisors), quiet periods, and the user's own state."""
    if not (page.actor.can("wfm.read") or page.actor.can("wfm.state")):
        page.needs("wfm.read")
    context: dict[str, Any] = {}
    if page.actor.can("wfm.read"):
        now = page.work.now()
        context.update(_intraday(page))
        context["quiet"] = quiet.quiet_periods(
            ((v.interval_start, v.contacts) for v in volumes(
                page.session, now - timedelta(days=91), now, 60, page.work.tz, "hotline")),
            page.work.tz,
        )  # fmt: skip
    mine = states.current(page.work, page.actor.username)
    return page.render(
        "wfm_intraday.html",
        refresh=REFRESH_SECONDS,
        as_of=page.work.now(),
        my_state=mine.state if mine else "signed_out",
        state_names=STATE_NAMES,
        weekday_names=WEEKDAY_NAMES,
        **context,
    )


@router.post(f"{PAGE}/state", response_class=HTMLResponse)
def set_state(page: Page, posted: Posted) -> Response:
    """Record the user's own state from the console."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs("wfm.state")
    state = posted.get("state", "")
    if state not in STATE_NAMES:
        raise InvalidInput("state: unknown", [{"loc": ["form", "state"], "msg": "unknown state"}])
    states.record_state(page.work, page.actor.username, state, source="console")
    return redirect(PAGE)


def _week(page: PageContext, first: str | None) -> tuple[date, date]:
    try:
        start = date.fromisoformat(first) if first else page.work.today()
    except ValueError:
        raise InvalidInput(
            "from: not a date", [{"loc": ["query", "from"], "msg": "use YYYY-MM-DD"}]
        ) from None
    return start, start + timedelta(days=6)


@router.get(f"{PAGE}/roster", response_class=HTMLResponse)
def roster_page(page: Page, first: str | None = None) -> HTMLResponse:
    """The published roster for a week: one row per agent, one column per day."""
    page.needs("wfm.read")
    start, end = _week(page, first)
    table = roster.rows(roster.shifts(page.work, start, end), page.work.tz)
    days = [start + timedelta(days=i) for i in range(7)]
    grid: dict[str, dict[str, dict[str, str | int]]] = {}
    for row in table:
        grid.setdefault(str(row["agent"]), {})[str(row["day"])] = row
    return page.render(
        "wfm_roster.html",
        days=days,
        grid=dict(sorted(grid.items())),
        first=start,
        previous=start - timedelta(days=7),
        following=start + timedelta(days=7),
        weekday_names=WEEKDAY_NAMES,
    )


@router.get(f"{PAGE}/roster.csv")
def roster_csv(page: Page, first: str | None = None) -> Response:
    """The week's roster as CSV."""
    page.needs("wfm.read")
    start, end = _week(page, first)
    table = roster.rows(roster.shifts(page.work, start, end), page.work.tz)
    return Response(
        roster.to_csv(table), media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="roster-{start}.csv"'},
    )  # fmt: skip


@router.get(f"{PAGE}/roster.xlsx")
def roster_xlsx(page: Page, first: str | None = None) -> Response:
    """The week's roster as an Excel workbook."""
    page.needs("wfm.read")
    start, end = _week(page, first)
    table = roster.rows(roster.shifts(page.work, start, end), page.work.tz)
    return Response(
        roster.to_xlsx(table),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="roster-{start}.xlsx"'},
    )  # fmt: skip
