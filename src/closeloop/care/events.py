"""Proactive care's events (关怀事件), raised inside the transaction that recorded them.

The channels domain answers a customer's own text messages (上行短信) by listening here."""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class TextReceived(DomainEvent):
    """A customer sent us a message on a delivery channel (`sms`): from `address`."""

    channel: str
    address: str
    text: str
