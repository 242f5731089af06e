"""Stations in the administration (工位管理): create, rename in Chinese and English, accept time
and time limits typed as hours and minutes, calendar, members, the categories that suggest
them, retire. The category and cause trees are in admin_taxonomy.

The administrator (`org.manage`) does all of it; a station's head (`org.station.own`) opens
their own station's page and changes its members and calendar (organisation.stewards)."""

from __future__ import annotations

import contextlib
import re

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from closeloop.console import admin_org_views as views
from closeloop.console.admin_views import Gettext
from closeloop.console.labels import N_
from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Csrf, Posted, PostedLists, Text
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from closeloop.organisation import service, stations, stewards, taxonomy
from closeloop.organisation.models import Category

router = APIRouter(include_in_schema=False)

STATIONS = "/console/admin/stations"
MANAGE = stewards.MANAGE


def _stations_page(
    page: PageContext, form: views.StationForm | None = None, status_code: int = 200
) -> HTMLResponse:
    session = page.session
    return page.render(
        "admin_stations.html",
        status_code=status_code,
        rows=views.station_rows(session),
        form=form or views.StationForm.blank(),
        departments=views.department_choices(session),
        calendars=views.calendar_choices(session),
        limit_fields=views.LIMIT_FIELDS,
        duration=lambda minutes: views.duration_text(page.gettext, minutes),
        created=page.request.query_params.get("created", ""),
    )


@router.get(STATIONS, response_class=HTMLResponse)
def stations_page(page: Page) -> HTMLResponse:
    """Every station with its status, time limits, calendar, members and the categories that
    suggest it; the form that creates one."""
    page.needs(MANAGE)
    return _stations_page(page)


@router.post(STATIONS, response_class=HTMLResponse)
def create_station(page: Page, posted: Posted) -> Response:
    """A new station; refused fields are named on the form, kept as typed."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs(MANAGE)
    _ = page.gettext
    form = views.StationForm({k: v for k, v in posted.items() if k != CSRF_FIELD})
    code = form.values.get("code", "").strip()
    terms = form.terms(_, creating=True)
    if terms is not None:
        try:
            stations.create_station(page.work, code, terms)
        except InvalidInput as exc:
            form.refused(_, exc)
        except Conflict:
            form.problems["code"] = _(views.TAKEN)
        else:
            return redirect(f"{STATIONS}/{code}?saved=created")
    return _stations_page(page, form, status_code=422)


def _station_page(
    page: PageContext,
    code: str,
    *,
    form: views.StationForm | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    session, actor = page.session, page.actor
    station = service.get_station(session, code)
    stewards.require_station(actor, code)
    row = next(r for r in views.station_rows(session) if r.code == code)
    return page.render(
        "admin_station.html",
        status_code=status_code,
        station=station,
        row=row,
        form=form or views.StationForm.of(station),
        problems=problems or {},
        manages=actor.can(MANAGE),
        edits_calendar=stewards.may_edit_calendar(session, actor, station.calendar_code),
        calendar_stations=stewards.calendar_stations(session, station.calendar_code),
        members=views.members(session, code),
        counts=views.ticket_counts(session, code),
        history=views.history(session, "station", code),
        calendars=views.calendar_choices(session),
        categories=views.category_choices(session, code),
        limit_fields=views.LIMIT_FIELDS,
        duration=lambda minutes: views.duration_text(page.gettext, minutes),
        saved=page.request.query_params.get("saved", ""),
    )


@router.get(STATIONS + "/{code}", response_class=HTMLResponse)
def station_page(code: str, page: Page) -> HTMLResponse:
    """One station: its terms, calendar, members, the categories that suggest it and its
    history; the administrator's forms, or its head's (members and calendar)."""
    return _station_page(page, code)


@router.post(STATIONS + "/{code}", response_class=HTMLResponse)
def save_station(code: str, page: Page, posted: Posted) -> Response:
    """Rename the station (Chinese and English) and set its accept time and time limits."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs(MANAGE)
    _ = page.gettext
    service.get_station(page.session, code)
    form = views.StationForm({k: v for k, v in posted.items() if k != CSRF_FIELD})
    terms = form.terms(_, creating=False)
    if terms is not None:
        try:
            stations.update_station(page.work, code, terms)
        except InvalidInput as exc:
            form.refused(_, exc)
        else:
            return redirect(f"{STATIONS}/{code}?saved=terms")
    return _station_page(page, code, form=form, status_code=422)


@router.post(STATIONS + "/{code}/calendar", response_class=HTMLResponse)
def choose_calendar(code: str, page: Page, csrf_token_: Csrf = "", calendar: Text = "") -> Response:
    """The calendar the station follows (its running deadlines move onto it); the
    administrator or the station's head."""
    page.check_csrf(csrf_token_)
    stewards.require_changes(page.actor, code, {"calendar"})
    _ = page.gettext
    try:
        terms = stations.parse_terms(calendar=calendar.strip() or None)
        if terms.calendar is None:
            raise InvalidInput.field("calendar", "required")
        stations.update_station(page.work, code, terms)
    except InvalidInput:
        problems = {"calendar": _(views.FIELD_MESSAGES["calendar"])}
        return _station_page(page, code, problems=problems, status_code=422)
    return redirect(f"{STATIONS}/{code}?saved=calendar")


def _member_list(posted: dict[str, list[str]]) -> list[str]:
    """The members kept (ticked) and the users added (one or more usernames, separated by
    commas or spaces)."""
    kept = [u.strip() for u in posted.get("member", []) if u.strip()]
    added = " ".join(posted.get("add", [])).replace(",", " ").replace("，", " ").split()
    return list(dict.fromkeys(kept + added))


@router.post(STATIONS + "/{code}/members", response_class=HTMLResponse)
def save_members(code: str, page: Page, posted: PostedLists) -> Response:
    """Keep the ticked members and add the users typed; the administrator or the station's
    head (who may not take another station's staff)."""
    page.check_csrf(next(iter(posted.get(CSRF_FIELD, [])), None))
    stewards.require_station(page.actor, code)
    _ = page.gettext
    wanted = _member_list(posted)
    status, problem = 422, ""
    try:
        stewards.require_members(page.session, page.actor, code, wanted)
        stations.set_members(page.work, code, wanted)
    except InvalidInput as exc:
        problem = _member_problem(_, views.field_reasons(exc).get("members", exc.detail))
    except Conflict as exc:
        status = 409
        problem = _members_conflict(_, exc.detail)
    except Forbidden as exc:
        status = 403
        name = exc.detail.split(" works at")[0]
        problem = _(N_("%(name)s works at another station: an administrator or that "
                       "station's head moves them.")) % {"name": name}  # fmt: skip
    else:
        return redirect(f"{STATIONS}/{code}?saved=members#members")
    return _station_page(page, code, problems={"members": problem}, status_code=status)


def _member_problem(_: Gettext, reason: str) -> str:
    """`no user 'x'` or `'x' is not a username` in the page's language."""
    found = re.search(r"'([^']*)'", reason)
    name = found.group(1) if found else reason
    if reason.startswith("no user"):
        return _(N_("No user %(name)s.")) % {"name": name}
    return _(N_("%(name)s is not a username.")) % {"name": name}


def _members_conflict(_: Gettext, detail: str) -> str:
    if "retired" in detail:
        return _(N_("A retired station takes no new members."))
    name = detail.split(" is station staff")[0]
    return _(N_("%(name)s is station staff and must stay bound to a station: add them to "
                "another station instead.")) % {"name": name}  # fmt: skip


@router.post(STATIONS + "/{code}/categories", response_class=HTMLResponse)
def suggest_for(code: str, page: Page, posted: Posted) -> Response:
    """Make the station the dispatch picker's suggestion for a category (`add`), or stop it
    (`remove`)."""
    page.check_csrf(posted.get(CSRF_FIELD))
    page.needs(MANAGE)
    service.get_station(page.session, code)
    added, removed = posted.get("add", "").strip(), posted.get("remove", "").strip()
    try:
        if removed:
            node = service.get_node(page.session, Category, removed)
            if node.station_code == code:
                taxonomy.update_node(page.work, Category, removed, {"station": None})
        elif added:
            taxonomy.update_node(page.work, Category, added, {"station": code})
        else:
            raise InvalidInput.field("category", "required")
    except (InvalidInput, NotFound):
        problem = page.gettext(N_("Choose a category from the list."))
        return _station_page(page, code, problems={"category": problem}, status_code=422)
    return redirect(f"{STATIONS}/{code}?saved=categories#categories")


@router.post(STATIONS + "/{code}/retire", response_class=HTMLResponse)
def retire_station(code: str, page: Page, csrf_token_: Csrf = "", confirm: Text = "") -> Response:
    """Retire the station once the box is ticked: it keeps its history and open tickets but
    receives no more dispatches."""
    page.check_csrf(csrf_token_)
    page.needs(MANAGE)
    service.get_station(page.session, code)
    if confirm != "yes":
        problems = {"confirm": page.gettext(views.CONFIRM)}
        return _station_page(page, code, problems=problems, status_code=422)
    with contextlib.suppress(Conflict):  # already retired: the page says so
        stations.retire_station(page.work, code)
    return redirect(f"{STATIONS}/{code}?saved=retired")
