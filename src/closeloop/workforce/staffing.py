"""From forecast to roster (人力排班): the forecast staffed to the service level per interval,
then the CP-SAT roster over it, published."""

from __future__ import annotations

from datetime import date, timedelta

from closeloop.kit.errors import InvalidInput
from closeloop.runtime.work import Work
from closeloop.workforce import roster
from closeloop.workforce import settings as wfm
from closeloop.workforce.erlang import Demand, fewest_agents, scheduled_agents
from closeloop.workforce.planning import forecast_recorded
from closeloop.workforce.schedule import Agent, Problem, RestRules, ShiftTemplate, solve
from closeloop.workforce.schemas import RosterIn, RosterOut


def required_agents(
    work: Work, days: list[date], minutes: int, shrinkage: float = 0.0
) -> dict[date, list[int]]:
    """Agents to schedule per interval (from midnight) of each day, from the hotline forecast."""
    per_day = 24 * 60 // minutes
    needed = {day: [0] * per_day for day in days}
    horizon = per_day * ((days[-1] - work.today()).days + 2)
    for point in forecast_recorded(work, max(horizon, 1), minutes, "hotline"):
        local = point.start.astimezone(work.tz)
        if local.date() in needed:
            demand = Demand(
                point.contacts, work.business(wfm.AHT_SECONDS.key), minutes * 60,
                work.business(wfm.TARGET_SL.key), work.business(wfm.TARGET_SECONDS.key),
            )  # fmt: skip
            agents = fewest_agents(demand).agents
            slot = (local.hour * 60 + local.minute) // minutes
            needed[local.date()][slot] = scheduled_agents(agents, shrinkage)
    return needed


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def build_roster(work: Work, body: RosterIn) -> RosterOut:
    """Solve the roster for the request's days and publish it."""
    days = [body.first + timedelta(days=i) for i in range(body.days)]
    templates = []
    for i, t in enumerate(body.templates):
        start = _minutes(t.start)
        if start + t.minutes > 24 * 60 or t.break_latest + t.break_minutes > t.minutes:
            raise InvalidInput(
                f"template {t.code}: the shift and its break must fit in its day",
                [{"loc": ["body", "templates", i], "msg": "shift or break runs past its end"}],
            )
        templates.append(
            ShiftTemplate(t.code, start, t.minutes, t.break_minutes, t.break_earliest,
                          max(t.break_earliest, t.break_latest))
        )  # fmt: skip
    required: dict[str, dict[date, list[int]]] = (
        {str(k): dict(v) for k, v in body.required.items()}
        if body.required is not None
        else {"hotline": required_agents(work, days, body.interval, body.shrinkage)}
    )
    problem = Problem(
        tuple(days),
        body.interval,
        required,
        tuple(templates),
        tuple(
            Agent(a.username, tuple(a.skills), frozenset(a.unavailable), a.max_shifts)
            for a in body.agents
        ),
        RestRules(body.min_rest_minutes, body.max_days_in_row),
    )
    solved = solve(problem)
    published = roster.publish(work, solved.assignments, days) if solved.assignments else 0
    return RosterOut(
        status=solved.status, shifts=published, short=solved.short, over=solved.over,
        weekend_shifts=solved.weekend_shifts,
    )  # fmt: skip
