"""Overtime assessment (超时考核) per station, and misroutes charged to the dispatcher."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.organisation.models import Station
from closeloop.tickets.models import Breach, TicketEvent

_ENDS_STAGE = {"accept": ("accept", "return", "dispatch"), "work": ("reply", "return", "dispatch")}


def _overtime_minutes(
    session: Session, breaches: list[Breach], until: datetime
) -> dict[int, float]:
    """Minutes each station breach lasted: from the deadline to the action that ended the stage."""
    ticket_ids = list({b.ticket_id for b in breaches})
    events: dict[int, list[TicketEvent]] = defaultdict(list)
    if ticket_ids:
        for event in session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_id.in_(ticket_ids))
            .order_by(TicketEvent.id)
        ):
            events[event.ticket_id].append(event)
    minutes: dict[int, float] = {}
    for breach in breaches:
        end = next(
            (
                e.at
                for e in events[breach.ticket_id]
                if e.at >= breach.due_at and e.action in _ENDS_STAGE[breach.stage]
            ),
            until,
        )
        minutes[breach.id] = max(0.0, (min(end, until) - breach.due_at).total_seconds() / 60)
    return minutes


def overtime_report(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[str, Any]:
    """Per station: dispatched, accepted late, finished late, overtime rate and minutes, returns."""
    in_window = (TicketEvent.at >= start, TicketEvent.at < end)

    def per_station(action: str) -> Counter[str | None]:
        rows = session.execute(
            select(TicketEvent.station, func.count())
            .where(TicketEvent.action == action, *in_window)
            .group_by(TicketEvent.station)
        ).all()
        return Counter({station: count for station, count in rows})

    dispatched, returns = per_station("dispatch"), per_station("return")
    breaches = list(
        session.scalars(
            select(Breach).where(
                Breach.stage.in_(("accept", "work")), Breach.due_at >= start, Breach.due_at < end
            )
        )
    )
    minutes = _overtime_minutes(session, breaches, min(end, now))
    late: dict[tuple[str | None, str], int] = Counter((b.station, b.stage) for b in breaches)
    overtime: dict[str | None, float] = defaultdict(float)
    for breach in breaches:
        overtime[breach.station] += minutes[breach.id]
    stations = []
    for station in session.scalars(select(Station).order_by(Station.code)):
        sent = dispatched[station.code]
        finished_late = late[(station.code, "work")]
        stations.append(
            {
                "station": station.code,
                "name": station.name,
                "dispatched": sent,
                "accepted_late": late[(station.code, "accept")],
                "finished_late": finished_late,
                "overtime_rate": round(finished_late / sent, 4) if sent else 0.0,
                "overtime_minutes": round(overtime[station.code], 1),
                "returns_received": returns[station.code],
            }
        )
    by_dispatcher = session.execute(
        select(TicketEvent.actor, func.count())
        .where(TicketEvent.action == "dispatch", *in_window)
        .group_by(TicketEvent.actor)
    ).all()
    charged = Counter(
        dict(
            session.execute(
                select(TicketEvent.charged_to, func.count())
                .where(TicketEvent.action == "return", *in_window)
                .group_by(TicketEvent.charged_to)
            ).all()
        )
    )
    dispatchers = [
        {
            "dispatcher": actor,
            "dispatched": count,
            "returns": charged[actor],
            "misroute_rate": round(charged[actor] / count, 4) if count else 0.0,
        }
        for actor, count in sorted(by_dispatcher)
    ]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "stations": stations,
        "dispatchers": dispatchers,
    }
