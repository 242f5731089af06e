"""Planning a demo ticket's steps (演示工单的处理过程): who does what, and when.

The front line, the expert seat and the callback desk work 08:00–22:00 every day; stations
act in their own business calendars. A plan is pure data; demo/tickets.py replays it through
the real services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from closeloop.demo.ticket_texts import Story, templates
from closeloop.organisation.calendar import WorkCalendar, add_business_minutes
from closeloop.organisation.models import Station
from closeloop.tickets.schemas import (
    CallbackBody,
    DispatchBody,
    EmptyBody,
    NoteBody,
    ReasonBody,
    ReplyBody,
    ResolveBody,
)

FRONT_LINE = ("agent", "agent2")
DESK_HOURS = (time(8, 0), time(22, 0))  # front line, expert seat and callback desk
# A station a ticket of this station is plausibly misrouted to, and one it hands work on to.
WRONG_STATION = {
    "wireless": "field",
    "field": "wireless",
    "netops": "wireless",
    "billing": "vas",
    "vas": "billing",
}
PARTNER = {
    "wireless": "netops",
    "netops": "field",
    "field": "netops",
    "billing": "vas",
    "vas": "billing",
}


@dataclass(frozen=True)
class Step:
    """One planned action: when, by whom, the body, and the status it leads to."""

    at: datetime
    actor: str
    action: str
    body: BaseModel
    to: str


@dataclass
class Flags:
    """The twists of one ticket's story."""

    misroute: bool = False
    redispatch: bool = False
    hold: bool = False
    late_accept: bool = False
    late_work: bool = False
    unreached: bool = False
    unsatisfied: bool = False
    late_callback: bool = False
    reopen: bool = False
    via_supervisor: bool = False


@dataclass(frozen=True)
class World:
    """What planning needs to know of the seeded database."""

    tz: ZoneInfo
    now: datetime
    customers: list[tuple[int, str]]
    cells: dict[str, list[str]]
    leaf_station: dict[str, str]
    station_names: dict[str, str]
    limits: dict[str, Station]
    calendars: dict[str, WorkCalendar]


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


class Walk:
    """Plans a ticket's steps forward in time on the desks' and stations' calendars."""

    def __init__(self, world: World, rng: random.Random, story: Story, start: datetime) -> None:
        self.world, self.rng, self.story, self.t = world, rng, story, start
        self.steps: list[Step] = []
        self.notes: dict[str, list[str]] = templates()["notes"]

    def note(self, kind: str, **extra: str) -> str:
        """A note of this kind filled with the ticket's values."""
        return self.story.note(self.rng.choice(self.notes[kind]), **extra)

    def name(self, station: str) -> str:
        """A station's Chinese name."""
        return self.world.station_names[station]

    def _desk_time(self, at: datetime) -> datetime:
        local = at.astimezone(self.world.tz)
        opens, closes = DESK_HOURS
        if opens <= local.time() < closes:
            return at
        day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
        start = datetime.combine(day, opens, self.world.tz)
        return start + timedelta(minutes=self.rng.uniform(0, 50))

    def add(self, at: datetime, actor: str, action: str, body: BaseModel, to: str) -> None:
        """Append a step at `at`."""
        self.t = at
        self.steps.append(Step(at, actor, action, body, to))

    def in_call(
        self, actor: str, action: str, body: BaseModel, to: str, lo: float, hi: float
    ) -> None:
        """An action by the agent still on the call, `lo`–`hi` minutes later, at any hour."""
        at = self.t + timedelta(minutes=self.rng.uniform(lo, hi))
        self.add(at, actor, action, body, to)

    def desk(self, actor: str, action: str, body: BaseModel, to: str, lo: float, hi: float) -> None:
        """A desk action `lo`–`hi` minutes later, within desk hours."""
        at = self._desk_time(self.t + timedelta(minutes=self.rng.uniform(lo, hi)))
        self.add(at, actor, action, body, to)

    def station(
        self, code: str, action: str, body: BaseModel, to: str, lo: float, hi: float
    ) -> None:
        """A station action `lo`–`hi` of the station's business minutes later."""
        minutes = max(1, int(self.rng.uniform(lo, hi)))
        self.add(
            add_business_minutes(self.t, minutes, self.world.calendars[code]),
            code,
            action,
            body,
            to,
        )

    def wait(self, lo_hours: float, hi_hours: float) -> None:
        """Time passes outside the system (the customer, a visit)."""
        self.t += timedelta(hours=self.rng.uniform(lo_hours, hi_hours))

    def answer(self, route: str) -> tuple[str, str]:
        """A cause code and resolution for a route (a station's reply when the route has none)."""
        answers = self.story.answers.get(route) or self.story.answers["station"]
        return self.rng.choice(answers)


def _accept(w: Walk, station: str, late: bool) -> None:
    lo, hi = (40, 200) if late else (2, 28)
    w.station(station, "accept", EmptyBody(), "in_progress", lo, hi)


def _reply(w: Walk, station: str, severity: str, late: bool) -> None:
    limit = w.world.limits[station].limit_minutes(severity)
    share = w.rng.uniform(1.05, 1.4) if late else w.rng.betavariate(1.2, 10)
    cause, text = w.answer("station")
    body = ReplyBody(cause_code=cause, resolution=text)
    w.station(station, "reply", body, "replied", share * limit, share * limit + 30)


def _satisfied_callback(w: Walk, late: bool) -> None:
    satisfaction = "satisfied" if w.rng.random() < 0.65 else "basically_satisfied"
    score = w.rng.choice((5, 5, 5, 4) if satisfaction == "satisfied" else (4, 4, 3))
    body = CallbackBody(
        reached=True, satisfaction=satisfaction, score=score, comment=w.note(satisfaction)
    )
    lo, hi = (1500, 2400) if late else (15, 150) if w.rng.random() < 0.85 else (150, 600)
    w.desk(_callback_desk(w.rng), "callback", body, "closed", lo, hi)


def _callback_desk(rng: random.Random) -> str:
    return "callback" if rng.random() < 0.8 else rng.choice(FRONT_LINE)


def expert_resolve(w: Walk, again: bool) -> None:
    cause, text = w.answer("expert")
    resolution = f"经再次核实，{text}" if again else text
    w.desk(
        "expert", "resolve", ResolveBody(resolution=resolution, cause_code=cause), "closed", 20, 180
    )


def _to_station(w: Walk, creator: str, right: str, f: Flags) -> None:
    """From intake to the right station: escalate, dispatch, maybe misrouted and returned."""
    if creator == "expert":
        dispatcher = "expert"
    elif f.via_supervisor:
        dispatcher = "supervisor"
    else:
        w.in_call(creator, "escalate", NoteBody(note=w.note("escalate")), "expert", 2, 15)
        dispatcher = "expert"
    first = WRONG_STATION[right] if f.misroute else right
    note = w.note("dispatch", station=w.name(first))
    w.desk(dispatcher, "dispatch", DispatchBody(station=first, note=note), "dispatched", 5, 60)
    if f.misroute:
        reason = w.note("return", right=w.name(right))
        w.station(first, "return", ReasonBody(reason=reason), "expert", 5, 90)
        note = w.note("dispatch", station=w.name(right))
        w.desk("expert", "dispatch", DispatchBody(station=right, note=note), "dispatched", 5, 40)


def station_story(w: Walk, creator: str, right: str, severity: str, f: Flags) -> None:
    """The electronic work order: dispatch, accept, work, reply, callback (and its twists)."""
    _to_station(w, creator, right, f)
    current = right
    _accept(w, current, f.late_accept)
    if f.redispatch:
        partner = PARTNER[right]
        note = w.note("redispatch", to=w.name(partner))
        w.station(
            current, "dispatch", DispatchBody(station=partner, note=note), "dispatched", 30, 240
        )
        current = partner
        _accept(w, current, False)
    if f.hold:
        w.station(current, "hold", ReasonBody(reason=w.note("hold")), "pending", 20, 180)
        w.wait(4, 50)
        w.station(current, "resume", ReasonBody(reason=w.note("resume")), "in_progress", 1, 30)
    _reply(w, current, severity, f.late_work)
    if f.unreached:
        body = CallbackBody(reached=False, comment=w.note("unreached"))
        w.desk(_callback_desk(w.rng), "callback", body, "replied", 30, 300)
    if f.unsatisfied:
        score = w.rng.choice((1, 2, 2))
        body = CallbackBody(
            reached=True, satisfaction="unsatisfied", score=score, comment=w.note("unsatisfied")
        )
        w.desk(_callback_desk(w.rng), "callback", body, "expert", 40, 600)
        if w.rng.random() < 0.35:
            expert_resolve(w, again=True)
            return
        note = f"回访不满意，请{w.name(current)}重新核查处理"
        w.desk(
            "expert", "dispatch", DispatchBody(station=current, note=note), "dispatched", 15, 120
        )
        _accept(w, current, False)
        _reply(w, current, severity, False)
    _satisfied_callback(w, f.late_callback)
    if f.reopen:
        w.wait(8, 96)
        who = w.rng.choice(("agent", "agent2", "supervisor"))
        w.desk(who, "reopen", ReasonBody(reason=w.note("reopen")), "expert", 0, 20)
        expert_resolve(w, again=True)
