"""The unit of work's context (工作上下文): session, actor, clock, settings and event bus, in one
object handed to services, listeners, jobs and pages instead of six separate arguments."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from closeloop.config import Settings, get_settings
from closeloop.kit.actor import SYSTEM, Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.runtime import business
from closeloop.runtime.events import DomainEvent, EventBus, bus

_KEY = "closeloop.work"


@dataclass(frozen=True)
class Work:
    """One request, command or job: what it works in, who acts, what time it is, the settings."""

    session: Session
    settings: Settings
    clock: Clock = system_clock
    actor: Actor = SYSTEM
    bus: EventBus = field(default=bus)

    @property
    def tz(self) -> ZoneInfo:
        """The operator's time zone."""
        return self.settings.tz

    def now(self) -> datetime:
        """The current instant (UTC) by this work's clock."""
        return self.clock.now()

    def business(self, key: str) -> Any:
        """A business setting's value in force (业务参数): the operator's, else its default."""
        return business.current(self.session, self.settings, key)

    def today(self) -> date:
        """Today's date in the operator's time zone."""
        return self.clock.local_date(self.tz)

    def publish(self, event: DomainEvent) -> None:
        """Raise a domain event: its listeners run now, inside this transaction."""
        self.bus.publish(self, event)

    def acting_as(self, actor: Actor) -> Work:
        """The same work with another actor (bound to the session in its place)."""
        return replace(self, actor=actor).bind()

    def bind(self) -> Work:
        """Attach this context to its session, so code holding only the session finds it."""
        self.session.info[_KEY] = self
        return self

    @classmethod
    def of(cls, session: Session) -> Work:
        """The context bound to `session`; a bare session gets the process's settings."""
        found = session.info.get(_KEY)
        if isinstance(found, Work):
            return found
        return cls(session, get_settings()).bind()
