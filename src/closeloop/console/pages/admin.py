"""Administration without a developer (系统管理): business calendars — next year's holiday
schedule uploaded or pasted, weekly opening hours — and the business settings in one place.
Only holders of `org.manage` (the administrator) see and use these pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import HTMLResponse, Response

from closeloop.auth import audit
from closeloop.console import admin_views
from closeloop.console.admin_views import WeekForm
from closeloop.console.labels import N_
from closeloop.console.page import Page, PageContext
from closeloop.console.pickers import station_names
from closeloop.console.posted import Csrf, Posted, Text
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.organisation import business_settings, calendars, day_file, stewards
from closeloop.organisation.calendar import WEEKDAYS
from closeloop.organisation.calendars import DaysReport
from closeloop.runtime import business
from closeloop.tickets.models import Ticket
from closeloop.tickets.service import load_ticket

router = APIRouter(include_in_schema=False)

PERMISSION = "org.manage"
CALENDARS = "/console/admin/calendars"
SETTINGS = "/console/admin/settings"
MAX_UPLOAD = 1 << 20  # a year's schedule is a few hundred bytes
MOVED_SHOWN = 50


@router.get("/console/admin")
def administration(page: Page) -> Response:
    """The administration's first page: the calendars."""
    page.needs(PERMISSION)
    return redirect(CALENDARS)


# -- calendars ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedTicket:
    """A running ticket whose deadlines a calendar change moved, and how."""

    ticket: Ticket
    moves: list[admin_views.Move]


@dataclass
class ImportResult:
    """What an upload or paste did: bad rows by line, and the summary when it was applied."""

    source: str
    from_file: bool = False
    read: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    problem: str = ""  # the whole input refused (no header, empty, too large …)
    strict_refused: bool = False
    report: DaysReport | None = None
    moved: list[MovedTicket] = field(default_factory=list)
    moved_count: int = 0

    @property
    def applied(self) -> bool:
        """Whether the good rows were written."""
        return self.report is not None


def _calendars_page(
    page: PageContext,
    *,
    form: dict[str, Any] | None = None,
    result: ImportResult | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    session, today = page.session, page.work.today()
    year = today.year + 1
    rows = admin_views.calendar_rows(session, year)
    return page.render(
        "admin_calendars.html",
        status_code=status_code,
        year=year,
        rows=rows,
        names={r.code: r.name for r in rows},
        choosable=[r for r in rows if not r.always_open],
        schedule=calendars.schedule_check(session, today),
        form=form or {"calendar": admin_views.ALL_NATIONAL, "lines": "", "strict": False},
        result=result,
        weekdays=admin_views.WEEKDAY_NAMES,
        kinds=admin_views.DAY_KINDS,
        stations=station_names(session),
    )


@router.get("/console/admin/calendars", response_class=HTMLResponse)
def calendars_page(page: Page) -> HTMLResponse:
    """Every calendar's weekly hours, loaded years and next year's exceptions, and the form
    that loads next year's State Council schedule."""
    page.needs(PERMISSION)
    return _calendars_page(page)


def _uploaded(file: UploadFile | None) -> tuple[bytes, str]:
    """The uploaded file's bytes (at most one more than allowed) and its name."""
    if file is None or not file.filename:
        return b"", ""
    return file.file.read(MAX_UPLOAD + 1), file.filename


def _moved_tickets(page: PageContext, after_id: int) -> tuple[list[MovedTicket], int]:
    """The tickets whose deadlines the change just moved (their audit entries say so): the
    first MOVED_SHOWN with their moves, and how many in all."""
    entries = audit.entries_since(
        page.session, after_id, action="ticket.deadlines_moved", actor=page.actor.username
    )
    moves: dict[str, list[admin_views.Move]] = {}
    for entry in entries:
        moves.setdefault(entry.entity_id, []).extend(admin_views.moves_in(entry.summary))
    shown = [
        MovedTicket(load_ticket(page.session, page.actor, ticket_id), found)
        for ticket_id, found in list(moves.items())[:MOVED_SHOWN]
    ]
    return shown, len(moves)


@router.post("/console/admin/calendars/import", response_class=HTMLResponse)
def import_days(
    page: Page,
    file: Annotated[UploadFile | None, File()] = None,
    csrf_token_: Csrf = "",
    calendar: Text = admin_views.ALL_NATIONAL,
    lines: Text = "",
    strict: Text = "",
) -> HTMLResponse:
    """Read an uploaded CSV (or pasted lines) of days; list the bad rows by line; write the
    good ones into every national calendar or the chosen one (nothing at all when strict and
    a row is bad); show what changed and whose deadlines moved."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    _ = page.gettext
    form = {"calendar": calendar, "lines": lines, "strict": bool(strict)}
    data, filename = _uploaded(file)
    result = ImportResult(source=filename or _(N_("pasted lines")), from_file=bool(data))

    def refused(problem: str = "") -> HTMLResponse:
        result.problem = problem
        return _calendars_page(page, form=form, result=result, status_code=422)

    if calendar and calendar not in admin_views.choosable_calendars(page.session):
        return refused(_(N_("Choose a calendar from the list.")))
    if len(data) > MAX_UPLOAD:
        return refused(_(N_("The file is larger than 1 MB; a year's schedule is far smaller.")))
    text = day_file.decode(data) if data else lines
    if not text.strip():
        return refused(_(N_("Choose a CSV file or paste its lines.")))
    try:
        entries, errors = day_file.read_days_text(text, filename or "pasted")
    except InvalidInput as exc:
        return refused(admin_views.say(_, exc.detail))
    result.read = len(entries) + len(errors)
    result.errors = [(e.line, admin_views.say(_, e.reason)) for e in errors]
    if errors and form["strict"]:
        result.strict_refused = True
        return refused()
    if not entries:
        return refused(_(N_("No good rows to import.")))
    before = audit.last_id(page.session)
    codes = [calendar] if calendar else calendars.national_calendars(page.session)
    source = f"console {filename}" if filename else "console (pasted)"
    result.report = calendars.set_days(page.work, codes, entries, source=source[:32])
    result.moved, result.moved_count = _moved_tickets(page, before)
    return _calendars_page(page, form={**form, "lines": ""}, result=result)


def _calendar_page(
    page: PageContext, code: str, week: WeekForm | None = None, status_code: int = 200
) -> HTMLResponse:
    detail = calendars.calendar_detail(page.session, code)
    if week is None:
        days = detail["week"] or {}
        week = WeekForm({d: admin_views.week_text(days.get(d, [])) for d in WEEKDAYS})
    query = page.request.query_params
    return page.render(
        "admin_calendar.html",
        status_code=status_code,
        calendar=detail,
        week=week,
        weekdays=admin_views.WEEKDAY_NAMES,
        kinds=admin_views.DAY_KINDS,
        saved=query.get("saved") == "1",
        moved=query.get("moved", ""),
        first_day=f"{page.work.today().year}-01-01",
    )


@router.get("/console/admin/calendars/{code}", response_class=HTMLResponse)
def calendar_page(code: str, page: Page) -> HTMLResponse:
    """One calendar: the weekly-hours form, its loaded years and all its exceptions; the
    administrator, or the head of the one station that follows it."""
    stewards.require_calendar(page.session, page.actor, code)
    return _calendar_page(page, code)


@router.post("/console/admin/calendars/{code}/hours", response_class=HTMLResponse)
def save_hours(code: str, page: Page, posted: Posted) -> Response:
    """Replace the calendar's weekly hours (several intervals a day); running deadlines at
    its stations move. Bad input shows the form again with what was typed."""
    page.check_csrf(posted.get(CSRF_FIELD))
    stewards.require_calendar(page.session, page.actor, code)
    _ = page.gettext
    calendars.calendar_detail(page.session, code)  # 404 for an unknown calendar
    week = WeekForm({d: posted.get(d, "")[:200] for d in WEEKDAYS})
    hours = week.hours(_)
    if hours is not None:
        try:
            parsed = calendars.parse_week(hours)
            before = audit.last_id(page.session)
            calendars.set_hours(page.work, code, parsed)
        except InvalidInput as exc:
            week.refused(_, exc)
        else:
            _shown, moved = _moved_tickets(page, before)
            return redirect(f"{CALENDARS}/{code}?saved=1&moved={moved}")
    return _calendar_page(page, code, week, status_code=422)


# -- business settings -------------------------------------------------------------------------


def _settings_page(
    page: PageContext,
    *,
    typed: dict[str, Any] | None = None,
    problems: dict[str, str] | None = None,
    bad_cells: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    settings = business_settings.list_settings(page.work)
    query = page.request.query_params
    return page.render(
        "admin_settings.html",
        status_code=status_code,
        settings=[s for s in settings if not admin_views.is_grid(s["default"])],
        grids=[s for s in settings if admin_views.is_grid(s["default"])],
        typed=typed or {},
        problems=problems or {},
        bad_cells=bad_cells or {},
        shown=admin_views.shown,
        label_of=admin_views.label_of,
        saved=query.get("saved", ""),
        reset=query.get("reset", ""),
        names={s["key"]: s for s in settings},
    )


@router.get("/console/admin/settings", response_class=HTMLResponse)
def settings_page(page: Page) -> HTMLResponse:
    """Every business setting: its value in force, its default, who changed it and when."""
    page.needs(PERMISSION)
    return _settings_page(page)


def _known(key: str) -> business.BusinessSetting:
    setting = business.REGISTRY.get(key)
    if setting is None:
        raise NotFound(f"no business setting {key!r}")
    return setting


@router.post("/console/admin/settings/{key}", response_class=HTMLResponse)
def change_setting(key: str, page: Page, posted: Posted) -> Response:
    """Change a setting (a grid's cells, or one value: text, number or JSON)."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs(PERMISSION)
    _ = page.gettext
    default = _known(key).default(page.work.settings)
    typed: Any
    bad_cell = ""
    try:
        if admin_views.is_grid(default):
            typed = {k: v for k, v in posted.items() if k.startswith("cell.")}
            value = admin_views.grid_value(default, posted)
        else:
            typed = posted.get("value", "")[:4000]
            value = admin_views.typed_value(default, typed)
        business_settings.change(page.work, key, value)
    except admin_views.NotJson as exc:
        problem = _(N_("This is not valid JSON: %(reason)s")) % {"reason": exc}
    except InvalidInput as exc:
        reason = exc.detail.removeprefix("value: ")
        problem = admin_views.say(_, reason)
        bad_cell = "cell." + reason.split(":", 1)[0] if admin_views.is_grid(default) else ""
    else:
        return redirect(f"{SETTINGS}?saved={key}#setting-{key}")
    return _settings_page(
        page,
        typed={key: typed},
        problems={key: problem},
        bad_cells={key: bad_cell} if bad_cell else {},
        status_code=422,
    )


@router.post("/console/admin/settings/{key}/reset")
def reset_setting(key: str, page: Page, csrf_token_: Csrf = "") -> Response:
    """Put a setting back to its default."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    business_settings.reset(page.work, key)
    return redirect(f"{SETTINGS}?reset={key}#setting-{key}")
