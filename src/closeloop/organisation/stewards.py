"""Who may change a station (工位负责人): the administrator (`org.manage`) every station and
everything on it; a station head (`org.station.own`, role `station_head`) their own station's
members and the calendar it follows, and the hours and days of a calendar that no other station
follows. Everything else on a station (its name, accept time, time limits, department,
retiring it) and the taxonomies stay the administrator's.

The API and the console ask the same questions here, before the services run.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import User
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Forbidden
from closeloop.organisation.models import Station

MANAGE = "org.manage"
OWN_STATION = "org.station.own"
HEAD = "station_head"
# What a station head may change on their own station through PATCH /stations/{code}.
HEAD_FIELDS = frozenset({"calendar"})


def heads(actor: Actor, station: str) -> bool:
    """Whether the actor is the head of this station (holds `org.station.own` and works there)."""
    return actor.can(OWN_STATION) and actor.station is not None and actor.station == station


def may_run(actor: Actor, station: str) -> bool:
    """Whether the actor may change the station's members and calendar."""
    return actor.can(MANAGE) or heads(actor, station)


def require_station(actor: Actor, station: str) -> None:
    """403 unless the actor is the administrator or the station's head."""
    if not may_run(actor, station):
        raise Forbidden(f"only an administrator or the head of station {station!r} may do this")


def require_changes(actor: Actor, station: str, fields: Iterable[str]) -> None:
    """403 unless the actor may change these fields of the station: the administrator any,
    the station's head only its calendar."""
    if actor.can(MANAGE):
        return
    require_station(actor, station)
    others = sorted(set(fields) - HEAD_FIELDS)
    if others:
        raise Forbidden(f"only an administrator may change {', '.join(others)} of a station")


def require_members(session: Session, actor: Actor, station: str, usernames: Iterable[str]) -> None:
    """403 unless the actor may make these users the station's members: the administrator
    anyone; the station's head only users bound to no station or to theirs (staff of another
    station are moved by an administrator or that station's head)."""
    require_station(actor, station)
    if actor.can(MANAGE):
        return
    wanted = [u.strip() for u in usernames]
    elsewhere = session.execute(
        select(User.username, User.station_code)
        .where(User.username.in_(wanted))
        .where(User.station_code.is_not(None), User.station_code != station)
        .order_by(User.username)
    ).first()
    if elsewhere is not None:
        raise Forbidden(
            f"{elsewhere[0]} works at station {elsewhere[1]!r}: only an administrator "
            "or that station's head may move them"
        )


def calendar_stations(session: Session, calendar: str) -> list[str]:
    """The stations (retired ones too: their open tickets still count in it) that follow the
    calendar."""
    return list(
        session.scalars(
            select(Station.code).where(Station.calendar_code == calendar).order_by(Station.code)
        )
    )


def may_edit_calendar(session: Session, actor: Actor, calendar: str) -> bool:
    """Whether the actor may change the calendar's hours and days: the administrator any; a
    station head one their station alone follows."""
    if actor.can(MANAGE):
        return True
    if not actor.can(OWN_STATION) or actor.station is None:
        return False
    return calendar_stations(session, calendar) == [actor.station]


def require_calendar(session: Session, actor: Actor, calendar: str) -> None:
    """403 unless the actor may change the calendar's hours and days."""
    if may_edit_calendar(session, actor, calendar):
        return
    if actor.can(OWN_STATION):
        raise Forbidden(
            f"calendar {calendar!r} is not one your station alone follows: "
            "choose a calendar for your station, or ask an administrator"
        )
    raise Forbidden(f"permission {MANAGE!r} is required")
