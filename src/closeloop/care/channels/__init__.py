"""Delivery channels behind one small transport interface: SMS (SMPP), e-mail (SMTP), webhook."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class DeliveryError(Exception):
    """A message could not be handed over; `permanent` ones are not retried."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Message:
    """What a transport sends: the address on its channel, the text and the notice's fields."""

    id: int
    channel: str
    address: str
    text: str
    rule: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Accepted:
    """The channel took the message: its id there (for receipts) and what it said."""

    external_id: str | None
    detail: str = ""


@dataclass(frozen=True)
class Receipt:
    """A delivery receipt that arrived later: delivered or undelivered."""

    external_id: str
    delivered: bool
    detail: str


@dataclass(frozen=True)
class InboundText:
    """A message a customer sent us (上行短信): from which number, what it says."""

    address: str
    text: str


class Transport(Protocol):
    """One delivery channel."""

    channel: str

    def send(self, message: Message) -> Accepted:
        """Hand one message over; raises DeliveryError."""
        ...

    def receipts(self) -> list[Receipt]:
        """Delivery receipts that arrived since the last call."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
