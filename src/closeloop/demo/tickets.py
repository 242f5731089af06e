"""Demo work orders (演示工单): a few hundred tickets walked through the real services.

Each ticket is planned first — who does what, when — then replayed with a FixedClock through
`create_ticket` and `perform` as the demo users, so its history, deadlines, breaches and
notices are exactly what the product would have recorded. Front line and expert seat work
08:00–22:00; stations work in their own business calendars. Tickets whose story runs past
`now` stay open where it stops, and a share is deliberately left open in every status (some
overdue). Deterministic: the same `now` gives the same tickets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import User
from closeloop.auth.users import actor_for
from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.customers.schemas import ContactIn
from closeloop.customers.service import record_contact
from closeloop.demo.people import data
from closeloop.demo.ticket_texts import Story, compose, templates
from closeloop.demo.ticket_walk import (
    FRONT_LINE,
    Flags,
    Step,
    Walk,
    World,
    expert_resolve,
    station_story,
    weighted,
)
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import Category, Station
from closeloop.organisation.service import load_calendar
from closeloop.tickets.actions import perform
from closeloop.tickets.models import Ticket
from closeloop.tickets.scan import ScanReport, scan_batch
from closeloop.tickets.schemas import Location, NoteBody, ReasonBody, ResolveBody, TicketIn
from closeloop.tickets.service import create_ticket

SEED = 20261123
DAYS = 21
# What becomes of a ticket (per 1000): most run their whole story, a share stays open.
FATES = {
    "story": 805,
    "cancelled": 45,
    "new": 20,
    "expert": 25,
    "dispatched": 30,
    "in_progress": 40,
    "pending": 15,
    "replied": 20,
}
# Hotline contacts by local hour of day (busy mornings and evenings, quiet nights).
HOURLY = (1, 1, 0, 0, 0, 1, 1, 3, 6, 9, 10, 9, 6, 6, 9, 9, 8, 7, 6, 7, 7, 5, 3, 2)


@dataclass
class Plan:
    """A ticket to create and the actions to take on it."""

    created_at: datetime
    creator: str
    data: TicketIn
    steps: list[Step] = field(default_factory=list)

    def last_at(self) -> datetime:
        """When the last planned thing happens."""
        return self.steps[-1].at if self.steps else self.created_at

    def until(self, now: datetime) -> Plan:
        """The plan without what would happen after `now`."""
        self.steps = [s for s in self.steps if s.at < now]
        return self


def _flags(rng: random.Random, fate: str) -> Flags:
    """Random twists; open fates get the ones that make their status interesting."""
    p = rng.random
    f = Flags(
        misroute=p() < 0.08,
        redispatch=p() < 0.06,
        hold=p() < 0.06,
        late_accept=p() < 0.05,
        late_work=p() < 0.05,
        unreached=p() < 0.10,
        unsatisfied=p() < 0.08,
        late_callback=p() < 0.04,
        reopen=p() < 0.03,
        via_supervisor=p() < 0.08,
    )
    if fate == "expert":
        choice = p()
        f.misroute, f.unsatisfied, f.via_supervisor = choice < 0.3, choice > 0.65, False
    elif fate == "pending":
        f.hold = True
    return f


def _location(world: World, rng: random.Random, story: Story, region: str) -> Location:
    if story.location == "cell" and world.cells.get(region):
        return Location(
            region=region, cell_id=rng.choice(world.cells[region]), address=story.values["address"]
        )
    if story.location in ("cell", "address"):
        return Location(region=region, address=story.values["address"])
    return Location(region=region)


def _build(world: World, seed: int, fate: str, created: datetime) -> Plan:
    """One ticket's plan from its own random stream (the same seed gives the same story)."""
    rng = random.Random(seed)
    customer_id, region = rng.choice(world.customers)
    families = {code: spec["share"] for code, spec in templates()["families"].items()}
    story = compose(rng, weighted(rng, families), region, created.astimezone(world.tz))
    creator = "expert" if rng.random() < 0.05 and fate != "expert" else rng.choice(FRONT_LINE)
    data_in = TicketIn(
        customer_id=str(customer_id),
        channel=story.channel,
        type=story.type,
        category=story.leaf,
        severity=story.severity,
        title=story.title,
        description=story.description,
        location=_location(world, rng, story, region),
    )
    route = story.route(rng) if fate == "story" else "station"
    if creator == "expert" and fate != "cancelled" and route != "station":
        creator = rng.choice(FRONT_LINE)  # only the front line resolves a new ticket
    walk = Walk(world, rng, story, created)
    flags = _flags(rng, fate)
    if fate == "cancelled":
        if creator != "expert" and rng.random() < 0.4:
            walk.in_call(creator, "escalate", NoteBody(note=walk.note("escalate")), "expert", 2, 15)
            walk.desk(
                "expert", "cancel", ReasonBody(reason=walk.note("cancel")), "cancelled", 10, 120
            )
        else:
            reason = ReasonBody(reason=walk.note("cancel"))
            walk.in_call(creator, "cancel", reason, "cancelled", 3, 20)
    elif route == "front":
        cause, text = walk.answer("front")
        body = ResolveBody(resolution=text, cause_code=cause)
        walk.in_call(creator, "resolve", body, "closed", 3, 25)
    elif route == "expert":
        walk.in_call(creator, "escalate", NoteBody(note=walk.note("escalate")), "expert", 2, 15)
        expert_resolve(walk, again=False)
    elif fate != "new":
        station_story(walk, creator, world.leaf_station[story.leaf], story.severity, flags)
    steps = walk.steps
    if fate not in ("story", "cancelled"):
        reached = [i for i, s in enumerate(steps) if s.to == fate]
        steps = steps[: reached[-1] + 1] if reached else []
    return Plan(created, creator, data_in, steps)


def _created_at(world: World, rng: random.Random) -> datetime:
    """A contact time in the last DAYS days, by the hotline's hourly pattern."""
    while True:
        day = (world.now.astimezone(world.tz) - timedelta(days=rng.randrange(DAYS))).date()
        if day.weekday() >= 5 and rng.random() < 0.3:
            continue  # weekends are quieter
        hour = rng.choices(range(24), HOURLY)[0]
        local = datetime.combine(day, time(hour), world.tz)
        at = local + timedelta(minutes=rng.uniform(0, 60))
        if at < world.now - timedelta(minutes=30):
            return at


def _age(rng: random.Random, fate: str) -> timedelta:
    """How long an open ticket has been in its status at `now` (long ones are overdue)."""
    hours = {
        "new": (0.1, 3),
        "expert": (0.3, 6),
        "dispatched": (0.1, 0.4) if rng.random() < 0.5 else (26, 80),
        "in_progress": (0.5, 4) if rng.random() < 0.4 else (30, 140),
        "pending": (1, 72),
        "replied": (1, 20) if rng.random() < 0.7 else (26, 60),
    }[fate]
    return timedelta(hours=rng.uniform(*hours))


def plan_ticket(world: World, rng: random.Random) -> Plan:
    """Plan one ticket: a whole story somewhere in the window, or one left open now."""
    seed, fate = rng.getrandbits(64), weighted(rng, FATES)
    if fate in ("story", "cancelled"):
        return _build(world, seed, fate, _created_at(world, rng)).until(world.now)
    target = world.now - _age(rng, fate)
    created, best = target - timedelta(hours=1), None
    # Slide the story until its last step lands at the wanted age. Stations act only in
    # business hours, so the slide may not settle: keep the closest plan that ends before now.
    for attempt in range(8):
        plan = _build(world, seed, fate, created)
        last = plan.last_at()
        if last < world.now and (best is None or abs(target - last) < abs(target - best[0])):
            best = (last, plan)
        shift = target - last
        if abs(shift) < timedelta(minutes=10):
            break
        created += shift if last < world.now else min(shift, timedelta(hours=-3 * 2**attempt))
    if best is None:
        return _build(world, seed, "new", min(target, world.now - timedelta(minutes=5)))
    return best[1].until(world.now)


def load_world(session: Session, tz: ZoneInfo, now: datetime) -> World:
    """Customers, taxonomy, stations and calendars, as planning needs them."""
    stations = {s.code: s for s in session.scalars(select(Station))}
    return World(
        tz=tz,
        now=now,
        customers=[
            (cid, region)
            for cid, region in session.execute(
                select(Customer.id, Customer.region).order_by(Customer.msisdn)
            )
        ],
        cells={r["name"]: r["cells"] for r in data("regions.json")},
        leaf_station={
            code: station
            for code, station in session.execute(select(Category.code, Category.station_code))
            if station is not None
        },
        station_names={code: s.name for code, s in stations.items()},
        limits=stations,
        calendars={code: load_calendar(session, s.calendar_code) for code, s in stations.items()},
    )


def demo_actors(session: Session, stations: list[str]) -> dict[str, Actor]:
    """The demo users who work the tickets, as actors."""
    names = ["agent", "agent2", "expert", "supervisor", "callback", *stations]
    users = session.scalars(select(User).where(User.username.in_(names)))
    actors = {u.username: actor_for(session, u) for u in users}
    missing = sorted(set(names) - set(actors))
    if missing:
        raise LookupError(f"demo users missing: {', '.join(missing)}")
    return actors


def replay(session: Session, plan: Plan, actors: dict[str, Actor], tz: ZoneInfo) -> Ticket:
    """Create the ticket and take its actions, moving a FixedClock to each step's time."""
    clock = FixedClock(plan.created_at)
    creator = actors[plan.creator]
    ticket, _duplicate = create_ticket(session, creator, plan.data, tz=tz, clock=clock)
    if creator.can("contacts.write"):  # the call that opened it, on the customer's timeline
        customer = session.get(Customer, ticket.customer_id)
        assert customer is not None
        call = ContactIn(channel=plan.data.channel, summary=f"{ticket.number} {plan.data.title}")
        record_contact(session, creator, customer, call, clock=clock)
    for step in plan.steps:
        clock.advance(step.at - clock.now())
        perform(
            session,
            actors[step.actor],
            str(ticket.id),
            step.action,
            step.body,
            if_match=None,
            tz=tz,
            clock=clock,
        )
    return ticket


def seed_tickets(session: Session, settings: Settings, *, now: datetime, count: int = 600) -> int:
    """Demo tickets over the DAYS days before `now`, only into a database without tickets."""
    if session.scalar(select(Ticket.id).limit(1)) is not None:
        return 0
    world = load_world(session, settings.tz, now)
    if not world.customers:
        return 0
    rng = random.Random(SEED)
    plans = [plan_ticket(world, rng) for _ in range(count)]
    actors = demo_actors(session, sorted(world.station_names))
    for plan in sorted(plans, key=lambda p: p.created_at):
        replay(session, plan, actors, settings.tz)
    scan_batch(session, now, settings.tz, ScanReport(at=now), limit=100_000)
    return len(plans)
