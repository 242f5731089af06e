"""The channels' domain events (渠道事件), raised inside the transaction that recorded them.

The workforce domain records agent states from the phone calls (振铃, 通话, 挂机); `channels`
imports none of its listeners."""

from __future__ import annotations

from dataclasses import dataclass, field

from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CallEvent(DomainEvent):
    """A phone call at an agent's seat, as the phone system (CTI/PBX) reported it."""

    call_id: str
    caller: str
    agent: str | None


@dataclass(frozen=True, kw_only=True)
class CallRinging(CallEvent):
    """The call rings at the agent's seat (振铃): the console pops the caller's panel."""


@dataclass(frozen=True, kw_only=True)
class CallAnswered(CallEvent):
    """The agent answered (接听)."""


@dataclass(frozen=True, kw_only=True)
class CallEnded(CallEvent):
    """The call ended (挂机); `duration_seconds` from answer (else from ringing) to the end."""

    duration_seconds: int = 0
    customer_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class CustomerTexted(DomainEvent):
    """A known customer's SMS that is no keyword command (上行短信), before it becomes a contact
    for an agent. A domain that takes it as its own (quality: a reply to a survey invitation)
    answers the customer itself and adds its name to `taken`; the text then stays out of the
    agents' queue. `channels` imports none of these listeners."""

    customer_id: int
    msisdn: str
    text: str
    taken: list[str] = field(default_factory=list)
