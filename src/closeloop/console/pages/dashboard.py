"""The supervisor's dashboard (监控看板): live KPIs, overtime, Pareto chart and hotspots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from closeloop.console import charts, i18n, labels
from closeloop.console.labels import N_
from closeloop.console.page import Page
from closeloop.console.pickers import station_names
from closeloop.console.web import language_of
from closeloop.kpis.bot_figures import BotFigures, bot_figures
from closeloop.kpis.periods import midnight
from closeloop.organisation.calendars import calendar_detail, schedule_check
from closeloop.tickets import kpis
from closeloop.tickets.reports import overtime_report
from closeloop.tickets.workflow import STATUSES

router = APIRouter(include_in_schema=False)

REFRESH_SECONDS = 60
NO_STATION = N_("Front line, expert seat and callback")


def _charts(
    _: Callable[[str], str],
    opened_today: dict[str, int],
    load: list[kpis.StationLoad],
    stations: dict[str, str],
    top: list[kpis.CategoryCount],
    week_total: int,
    regions: list[kpis.Hotspot],
) -> dict[str, Markup]:
    """The dashboard's charts, labelled in the page's language."""
    by_status = [(_(labels.STATUSES[s]), opened_today[s]) for s in STATUSES if s in opened_today]
    at_station = [
        (
            stations.get(row.station, row.station) if row.station else _(NO_STATION),
            (row.overdue, row.prewarned),
        )
        for row in load
    ]
    return {
        "status": charts.bar_chart(by_status, title=_("Tickets opened today by status")),
        "load": charts.stacked_bars(
            at_station,
            (_("Overdue"), _("Pre-warned")),
            title=_("Overdue and pre-warned open tickets by station"),
        ),
        "pareto": charts.pareto_chart(
            [(c.name, c.count) for c in top],
            week_total,
            title=_("Tickets by category, last 7 days"),
            share_label=_("Cumulative share of all tickets"),
        ),
        "regions": charts.bar_chart(
            [(r.region, r.count) for r in regions], title=_("Open fault tickets by region")
        ),
    }


def _bot_chart(_: Callable[[str], str], figures: BotFigures) -> Markup:
    """The bot's conversations today: answered by itself, rated not helpful, handed over."""
    bars = [
        (_("Answered by the bot"), figures.contained),
        (_("Answers rated not helpful"), figures.not_helpful),
        (_("Handed over to agents"), figures.handed_over),
    ]
    return charts.bar_chart(bars, title=_("Self-service bot today"))


@router.get("/console/dashboard", response_class=HTMLResponse)
def dashboard(page: Page) -> HTMLResponse:
    """Today's and this week's figures, as of now; the page reloads itself every minute."""
    page.needs("reports.read")
    session, now, tz = page.session, page.work.now(), page.work.tz
    today, week = kpis.today(now, tz), kpis.this_week(now, tz)
    opened_today = kpis.tickets_by_status(session, today)
    load = kpis.overdue_by_station(session, now)
    top, week_total = kpis.top_categories(session, week), kpis.tickets_opened(session, week)
    regions = kpis.hotspot_regions(session)
    callbacks = kpis.callback_outcomes(session, week)
    stations = station_names(session, page.language)
    gettext = i18n.translations(language_of(page.request, page.user)).gettext
    schedule = schedule_check(session, page.work.today())
    # whole local days up to tonight's midnight: read from the day rollups, and what happened
    # at this very instant counts too
    tonight = midnight(page.work.today() + timedelta(days=1), tz)
    bot = (
        bot_figures(session, today.start, tonight, tz),
        bot_figures(session, week.start, tonight, tz),
    )
    return page.render(
        "dashboard.html",
        bot=bot,
        bot_chart=_bot_chart(gettext, bot[0]),
        charts=_charts(gettext, opened_today, load, stations, top, week_total, regions),
        refresh=REFRESH_SECONDS,
        as_of=now,
        week=week,
        statuses=STATUSES,
        stations=stations,
        no_station=NO_STATION,
        contacts=kpis.contacts_by_channel(session, today),
        opened_today=opened_today,
        backlog=kpis.open_by_status(session),
        load=load,
        preprocessing=(
            kpis.preprocessing_rate(session, today),
            kpis.preprocessing_rate(session, week),
        ),
        fcr=(
            kpis.first_contact_resolution(session, today),
            kpis.first_contact_resolution(session, week),
        ),
        callbacks=callbacks,
        satisfaction=kpis.callback_satisfaction(callbacks),
        top=top,
        top_shares=charts.cumulative_percents([c.count for c in top], week_total),
        week_total=week_total,
        regions=regions,
        cells=kpis.hotspot_cells(session),
        overtime=overtime_report(session, week.start, now, now)["stations"],
        schedule=schedule,
        calendar_names={
            code: calendar_detail(session, code)["name"] for code in schedule.get("missing", ())
        },
    )
