"""Administering back-end stations (工位管理): create, rename, time limits, calendar, retire,
members and the categories whose tickets they usually get; every change audited with before
and after.

Time limits and the accept time are the terms of a dispatch: a ticket keeps the deadlines it
got when it was dispatched, and a changed limit counts from the next dispatch. The calendar is
when the station works, a fact about the future: when a station moves to another calendar
(or its calendar changes, see calendars.py) its running deadlines are laid out again on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from closeloop.auth import audit, users
from closeloop.auth.models import User
from closeloop.kit.durations import iso_to_minutes, minutes_to_iso
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.organisation.choices import SEVERITIES
from closeloop.organisation.events import StationCalendarChanged
from closeloop.organisation.models import BusinessCalendar, Category, Department, Station
from closeloop.organisation.service import get_station, load_calendar
from closeloop.runtime.work import Work

STATION_CODE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")
MAX_MINUTES = 366 * 24 * 60  # a year of minutes: anything longer is a typing error


@dataclass(frozen=True)
class StationTerms:
    """What an administrator sets on a station; None (or a missing severity) keeps it."""

    name: str | None = None
    name_en: str | None = None  # "" clears it
    department: str | None = None
    calendar: str | None = None
    accept_minutes: int | None = None
    limits: Mapping[str, int] = field(default_factory=dict)


def duration_minutes(text: str, loc: str | list[str | int]) -> int:
    """Minutes in an ISO 8601 duration (PT4H, P1DT2H, PT90M), between one minute and a year;
    InvalidInput names `loc`."""
    try:
        minutes = iso_to_minutes(text.strip())
    except ValueError as exc:
        raise InvalidInput.field(loc, str(exc)) from None
    if not 1 <= minutes <= MAX_MINUTES:
        raise InvalidInput.field(loc, f"{text!r} must be between PT1M and P366D")
    return minutes


def parse_terms(
    *,
    name: str | None = None,
    name_en: str | None = None,
    department: str | None = None,
    calendar: str | None = None,
    accept_within: str | None = None,
    time_limits: Mapping[str, str | None] | None = None,
) -> StationTerms:
    """Terms from the API's fields (durations as ISO 8601 text); errors name the field."""
    if name is not None:
        name = name.strip()
        if not name:
            raise InvalidInput.field("name", "must not be blank")
        if len(name) > 64:
            raise InvalidInput.field("name", "at most 64 characters")
    if name_en is not None:
        name_en = name_en.strip()
        if len(name_en) > 128:
            raise InvalidInput.field("name_en", "at most 128 characters")
    unknown = sorted(set(time_limits or {}) - set(SEVERITIES.codes))
    if unknown:
        raise InvalidInput.field(["time_limits", unknown[0]], "not a severity")
    limits = {
        severity: duration_minutes(text, ["time_limits", severity])
        for severity, text in (time_limits or {}).items()
        if text is not None
    }
    accept = None if accept_within is None else duration_minutes(accept_within, "accept_within")
    return StationTerms(
        name=name,
        name_en=name_en,
        department=department,
        calendar=calendar,
        accept_minutes=accept,
        limits=limits,
    )


def _check_refs(work: Work, terms: StationTerms) -> None:
    session = work.session
    if terms.department is not None and session.get(Department, terms.department) is None:
        raise InvalidInput.field("department", f"no department {terms.department!r}")
    if terms.calendar is not None and session.get(BusinessCalendar, terms.calendar) is None:
        raise InvalidInput.field("calendar", f"no calendar {terms.calendar!r}")


def create_station(work: Work, code: str, terms: StationTerms) -> Station:
    """A new station (name, department and calendar required; time limits default to the
    usual PT30M to accept and PT4H/PT8H/PT24H/PT72H by severity); 409 for a taken code."""
    if not STATION_CODE.match(code):
        raise InvalidInput.field(
            "code", "use 2–32 lowercase letters, digits, dash or underscore, a letter first"
        )
    for name in ("name", "department", "calendar"):
        if getattr(terms, name) is None:
            raise InvalidInput.field(name, "required")
    _check_refs(work, terms)
    if work.session.get(Station, code) is not None:
        raise Conflict(f"station {code!r} already exists")
    station = Station(code=code)  # what terms leave out takes the model's defaults
    _apply(station, terms)
    work.session.add(station)
    try:
        with work.session.begin_nested():
            work.session.flush()
    except IntegrityError as exc:  # a concurrent create of the same code
        raise Conflict(f"station {code!r} already exists") from exc
    audit.record(
        work.session, work.actor, "station.create", "station", code,
        "(none) → " + "; ".join(f"{k}: {v}" for k, v in _fields(station).items()),
        clock=work.clock,
    )  # fmt: skip
    return station


def _fields(station: Station) -> dict[str, str]:
    """What an administrator sets on a station, as the audit log writes it."""
    return {
        "name": station.name,
        "name_en": station.name_en or "(none)",
        "department": station.department_code,
        "calendar": station.calendar_code,
        "accept_within": minutes_to_iso(station.accept_minutes),
        **{f"time_limits.{s}": minutes_to_iso(station.limit_minutes(s)) for s in SEVERITIES.codes},
    }


def _apply(station: Station, terms: StationTerms) -> None:
    """Set what the terms give; leave the rest."""
    if terms.name is not None:
        station.name = terms.name
    if terms.name_en is not None:
        station.name_en = terms.name_en or None
    if terms.department is not None:
        station.department_code = terms.department
    if terms.calendar is not None:
        station.calendar_code = terms.calendar
    if terms.accept_minutes is not None:
        station.accept_minutes = terms.accept_minutes
    for severity, minutes in terms.limits.items():
        setattr(station, f"limit_{severity}_minutes", minutes)


def update_station(work: Work, code: str, terms: StationTerms) -> Station:
    """Change a station's name, department, calendar, accept time or time limits; audited
    with before and after. Running deadlines keep their terms; a new calendar moves them."""
    station = get_station(work.session, code)
    _check_refs(work, terms)
    before = _fields(station)
    old_calendar = station.calendar_code
    _apply(station, terms)
    after = _fields(station)
    changes = [f"{k}: {before[k]} → {after[k]}" for k in before if before[k] != after[k]]
    if not changes:
        return station
    work.session.flush()
    audit.record(
        work.session, work.actor, "station.update", "station", code, "; ".join(changes),
        clock=work.clock,
    )  # fmt: skip
    if station.calendar_code != old_calendar:
        work.publish(
            StationCalendarChanged(
                at=work.now(),
                station=code,
                before=load_calendar(work.session, old_calendar),
                after=load_calendar(work.session, station.calendar_code),
            )
        )
    return station


def retire_station(work: Work, code: str) -> Station:
    """Retire a station (撤销): it keeps its history and open tickets (its staff finish them, or
    send them back) but receives no more dispatches and no new members; categories that
    suggested it suggest no station any more. 409 when already retired."""
    station = get_station(work.session, code)
    if station.retired_at is not None:
        raise Conflict(f"station {code!r} is already retired")
    station.retired_at = work.now()
    categories = work.session.scalars(
        select(Category).where(Category.station_code == code).order_by(Category.code)
    ).all()
    for category in categories:
        category.station_code = None
        audit.record(
            work.session, work.actor, "category.update", "category", category.code,
            f"station: {code} → (none) (station retired)", clock=work.clock,
        )  # fmt: skip
    work.session.flush()
    summary = f"retired: no → yes at {station.retired_at.isoformat()}"
    if categories:
        summary += f"; no longer suggested for {len(categories)} category(ies)"
    audit.record(
        work.session, work.actor, "station.retire", "station", code, summary, clock=work.clock
    )
    return station


def members(session: Session, code: str) -> list[str]:
    """Usernames of the users bound to the station."""
    get_station(session, code)
    return [u.username for u in users.station_members(session, code)]


def set_members(work: Work, code: str, usernames: Iterable[str]) -> list[str]:
    """Make exactly these users the station's members: those listed are bound to it (moved
    from their station, if any), the others unbound. Station staff cannot be unbound (409:
    bind them elsewhere); a retired station takes no new members (409)."""
    station = get_station(work.session, code)
    wanted = list(dict.fromkeys(u.strip() for u in usernames))
    for i, username in enumerate(wanted):
        if not users.USERNAME.match(username):
            raise InvalidInput.field(["members", i], f"{username!r} is not a username")
    known = set(work.session.scalars(select(User.username).where(User.username.in_(wanted))))
    for i, username in enumerate(wanted):
        if username not in known:
            raise InvalidInput.field(["members", i], f"no user {username!r}")
    current = [u.username for u in users.station_members(work.session, code)]
    joining = [u for u in wanted if u not in current]
    if joining and station.retired_at is not None:
        raise Conflict(f"station {code!r} is retired and takes no new members")
    for username in current:
        if username not in wanted:
            users.set_station(work.session, work.actor, username, None, clock=work.clock)
    for username in joining:
        users.set_station(work.session, work.actor, username, code, clock=work.clock)
    after = sorted(wanted)
    if joining or len(after) != len(current):
        work.session.flush()
        audit.record(
            work.session, work.actor, "station.members", "station", code,
            f"members: {', '.join(current) or '(none)'} → {', '.join(after) or '(none)'}",
            clock=work.clock,
        )  # fmt: skip
    return after
