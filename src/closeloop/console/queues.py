"""Which work queues each role sees on /console, as data (工作队列).

A queue is a named ticket filter. The front line sees its own open tickets and the callbacks
due; the expert seat its queue; a station what waits for acceptance, is in progress or
pending; the callback seat what was replied; supervisors everything, filterable.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from closeloop.console.labels import N_
from closeloop.kit.actor import Actor
from closeloop.tickets.queries import TicketFilter
from closeloop.tickets.workflow import OPEN_STATUSES


@dataclass(frozen=True)
class Queue:
    """One tab of the console's work page."""

    key: str
    label: str
    roles: frozenset[str]
    statuses: tuple[str, ...] = ()
    own: bool = False  # only tickets the user opened
    station_bound: bool = False  # only the user's station
    filterable: bool = False  # the supervisor's free filters apply

    def ticket_filter(self, actor: Actor) -> TicketFilter:
        """The list query of this queue for this user."""
        return TicketFilter(
            status=self.statuses,
            created_by=actor.username if self.own else None,
            station=actor.station if self.station_bound else None,
        )


def _roles(names: str) -> frozenset[str]:
    return frozenset(names.split())


QUEUES: tuple[Queue, ...] = (
    Queue("mine", N_("My open tickets"), _roles("agent"), OPEN_STATUSES, own=True),
    Queue("callbacks", N_("Callbacks due"), _roles("agent callback"), ("replied",)),
    Queue("expert", N_("Expert queue"), _roles("expert"), ("expert",)),
    Queue(
        "accept", N_("Awaiting acceptance"), _roles("station"), ("dispatched",), station_bound=True
    ),
    Queue("working", N_("In progress"), _roles("station"), ("in_progress",), station_bound=True),
    Queue("pending", N_("Pending"), _roles("station"), ("pending",), station_bound=True),
    Queue("all", N_("All tickets"), _roles("supervisor admin"), (), filterable=True),
)


def queues_for(actor: Actor) -> list[Queue]:
    """The queues this user works in, in menu order."""
    return [q for q in QUEUES if q.roles & set(actor.roles)]


def pick(actor: Actor, key: str | None) -> Queue | None:
    """The queue asked for, or the user's first one (None when the role has no queue)."""
    mine = queues_for(actor)
    for queue in mine:
        if queue.key == key:
            return queue
    return mine[0] if mine else None


def with_filters(base: TicketFilter, **given: str | None) -> TicketFilter:
    """The supervisor's filters from the URL on top of a queue's own."""
    statuses = tuple(s for s in (given.get("status") or "").split(",") if s)
    overdue = given.get("overdue")
    return replace(
        base,
        status=statuses or base.status,
        station=given.get("station") or base.station,
        category=given.get("category") or None,
        severity=given.get("severity") or None,
        overdue=True if overdue == "1" else None,
        q=given.get("q") or None,
    )
