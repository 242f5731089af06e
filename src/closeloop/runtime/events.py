"""Domain events (领域事件): typed facts raised by the service that made a change and handled in
the same transaction by listeners that other domains register through their manifest.

A listener runs inside the raising transaction: what it writes commits or rolls back with the
change. Work to do after commit (messages, webhooks, hub events) is written to an outbox there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from closeloop.runtime.work import Work


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened in a domain, at a moment (UTC)."""

    at: datetime


E = TypeVar("E", bound=DomainEvent)
Listener = Callable[["Work", Any], None]


class EventBus:
    """Listeners by event type; publishing calls those of the type and of its base classes."""

    def __init__(self) -> None:
        self._listeners: dict[type[DomainEvent], list[Listener]] = {}

    def subscribe(self, event_type: type[E], listener: Callable[[Work, E], None]) -> None:
        """Add a listener for events of `event_type` (once per function)."""
        listeners = self._listeners.setdefault(event_type, [])
        if listener not in listeners:
            listeners.append(listener)

    def listeners(self, event_type: type[DomainEvent]) -> list[Listener]:
        """The listeners an event of this type reaches, in subscription order."""
        found: list[Listener] = []
        for kind in event_type.__mro__:
            found.extend(self._listeners.get(kind, ()))
        return found

    def publish(self, work: Work, event: DomainEvent) -> None:
        """Hand `event` to its listeners inside the current transaction."""
        for listener in self.listeners(type(event)):
            listener(work, event)

    def clear(self) -> None:
        """Forget every listener (tests that build their own wiring)."""
        self._listeners.clear()


# The process's bus: filled once from the module manifest (closeloop.modules.install).
bus = EventBus()
