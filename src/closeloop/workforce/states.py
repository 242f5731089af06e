"""Agents' states (坐席状态): signed in, on contact, after-contact work, break, signed out.

Recorded from the console, the API and the phone system's call events. A new state closes the
agent's open stretch and opens the next; every change is audited. The CTI listeners take any
event with `agent`, `at` and `call_id` (closeloop.channels.events CallAnswered / CallEnded),
so wiring them is one line in the manifest (see `cti_listeners`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput
from closeloop.runtime.work import Work
from closeloop.workforce.models import AgentState

STATES = ("signed_in", "on_contact", "after_contact_work", "break", "signed_out")
AVAILABLE = frozenset({"signed_in", "on_contact", "after_contact_work"})
SOURCES = ("console", "api", "cti")


def current(work: Work, agent: str) -> AgentState | None:
    """The agent's open stretch, if any."""
    return work.session.scalar(
        select(AgentState)
        .where(AgentState.agent == agent, AgentState.ended_at.is_(None))
        .order_by(AgentState.started_at.desc())
        .limit(1)
    )


def record_state(
    work: Work,
    agent: str,
    state: str,
    *,
    at: datetime | None = None,
    source: str = "api",
    call_id: str | None = None,
) -> AgentState:
    """Put `agent` in `state` from `at` (default now); unchanged when already in it."""
    if state not in STATES:
        raise InvalidInput(
            f"state must be one of {', '.join(STATES)}",
            [{"loc": ["body", "state"], "msg": f"unknown state {state!r}"}],
        )
    when = at or work.now()
    open_stretch = current(work, agent)
    if open_stretch is not None and open_stretch.state == state:
        return open_stretch
    if open_stretch is not None:
        open_stretch.ended_at = max(when, open_stretch.started_at)
    new = AgentState(agent=agent, state=state, started_at=when, source=source, call_id=call_id)
    work.session.add(new)
    before = open_stretch.state if open_stretch else "none"
    audit.record(
        work.session, work.actor, "wfm.agent_state", "agent", agent,
        f"{before} → {state} at {when.isoformat()} ({source})", clock=work.clock,
    )  # fmt: skip
    return new


def _cti(state: str) -> Callable[[Work, Any], None]:
    def listener(work: Work, event: Any) -> None:
        if getattr(event, "agent", None):
            record_state(work, event.agent, state, at=event.at, source="cti", call_id=event.call_id)

    listener.__name__ = f"agent_{state}_on_call_event"
    return listener


call_answered = _cti("on_contact")
call_ended = _cti("after_contact_work")


def cti_listeners(answered: type[Any], ended: type[Any]) -> tuple[tuple[type[Any], Any], ...]:
    """The manifest's listener pairs for the channels' CallAnswered and CallEnded events."""
    return ((answered, call_answered), (ended, call_ended))


@dataclass(frozen=True)
class StateShare:
    """Time of one agent in each state over a period, in seconds."""

    agent: str
    seconds: dict[str, float]

    @property
    def occupancy(self) -> float:
        """Time on contacts and after-contact work ÷ time available (signed in, not on break)."""
        busy = self.seconds.get("on_contact", 0.0) + self.seconds.get("after_contact_work", 0.0)
        available = busy + self.seconds.get("signed_in", 0.0)
        return busy / available if available else 0.0


def stretches(work: Work, start: datetime, end: datetime) -> list[AgentState]:
    """Every stretch overlapping [start, end)."""
    return list(
        work.session.scalars(
            select(AgentState)
            .where(
                AgentState.started_at < end,
                or_(AgentState.ended_at.is_(None), AgentState.ended_at > start),
            )
            .order_by(AgentState.agent, AgentState.started_at)
        )
    )


def time_in_states(work: Work, start: datetime, end: datetime) -> list[StateShare]:
    """Each agent's seconds per state in [start, end) (open stretches run to `end`/now)."""
    now = min(end, work.now())
    found: dict[str, dict[str, float]] = {}
    for s in stretches(work, start, end):
        stop = min(s.ended_at or now, end)
        seconds = (stop - max(s.started_at, start)).total_seconds()
        if seconds > 0:
            found.setdefault(s.agent, {}).setdefault(s.state, 0.0)
            found[s.agent][s.state] += seconds
    return [StateShare(agent, secs) for agent, secs in sorted(found.items())]


def signed_in_at(rows: list[AgentState], at: datetime, now: datetime) -> int:
    """Agents available (signed in, on contact, after-contact work) at an instant."""
    agents = {
        r.agent
        for r in rows
        if r.state in AVAILABLE and r.started_at <= at < (r.ended_at or now + timedelta(seconds=1))
    }
    return len(agents)
