"""The knowledge domain's events (知识库事件), raised inside the transaction that made them.

Other domains subscribe through their manifest entry (the quality domain invites the customer
to a satisfaction survey after a bot conversation); `knowledge` imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from closeloop.runtime.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class BotAnswered(DomainEvent):
    """The self-service bot answered a known customer from the knowledge base (机器人解答)."""

    session_id: str
    msisdn: str
    article_external_id: str | None
