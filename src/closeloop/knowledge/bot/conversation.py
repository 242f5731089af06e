"""The conversation between turns (会话状态), typed: what was said, what the bot is waiting
for, what it answered last, and whether a person has taken over.

It is kept in a `ChatSession` row: the turns in `transcript`, the rest of the bot's state in
the JSON `state` column (flat keys, as it always was stored), the number, the hand-over flag
and the ticket in their own columns. `load` and `save` are the only code that reads or writes
those columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from closeloop.knowledge.models import ChatSession

Role = Literal["customer", "bot"]


@dataclass(frozen=True)
class Turn:
    """One message of the conversation."""

    role: Role
    text: str


@dataclass(frozen=True)
class Clarifying:
    """The bot asked which of a few (up to three) articles is meant: their external ids and
    questions."""

    options: list[str]
    labels: list[str]


@dataclass(frozen=True)
class InScript:
    """The bot is walking an article's script and waits for the answer to one step."""

    article: str
    step: str


@dataclass(frozen=True)
class AwaitingNumber:
    """A hand-over waits for the customer's mobile number to open the ticket."""

    reason: str = "customer asked for a person"
    ticket_type: str = "inquiry"


Pending = Clarifying | InScript | AwaitingNumber


@dataclass
class Conversation:
    """One customer's conversation with the bot, as the chat works on it."""

    id: str
    msisdn: str | None = None
    turns: list[Turn] = field(default_factory=list)
    pending: Pending | None = None
    # the customer's last answered question (a short follow-up is read with it) and its article
    last_question: str | None = None
    last_article: str | None = None
    # the best article when the bot decided to hand over: its category files the ticket
    handoff_article: str | None = None
    handed_over: bool = False
    ticket_id: int | None = None
    # people (an agent's queue, 人工坐席) have the conversation: messages go to them, not the bot
    with_people: bool = False
    # account questions (closeloop.knowledge.bot.account): the number verified, a code awaited
    account: dict[str, Any] = field(default_factory=dict)

    def say(self, role: Role, text: str) -> None:
        """Add a message to the conversation."""
        self.turns.append(Turn(role, text))


def load(row: ChatSession) -> Conversation:
    """The conversation kept in a row (a new row's is empty)."""
    state = row.state or {}
    return Conversation(
        id=row.id,
        msisdn=row.msisdn,
        turns=[Turn(_role(t.get("role")), str(t.get("text", ""))) for t in row.transcript or []],
        pending=_pending(state),
        last_question=_text(state.get("last_question")),
        last_article=_text(state.get("last_article")),
        handoff_article=_text(state.get("category_hint")),
        handed_over=bool(row.handed_over),
        ticket_id=row.ticket_id,
        with_people=bool(state.get("with_people")),
        account=dict(state.get("account") or {}),
    )


def save(conversation: Conversation, row: ChatSession) -> None:
    """Write the conversation into its row (new JSON values, so the change is saved)."""
    row.msisdn = conversation.msisdn
    row.transcript = [{"role": t.role, "text": t.text} for t in conversation.turns]
    row.state = state_of(conversation)
    row.handed_over = conversation.handed_over
    row.ticket_id = conversation.ticket_id


def state_of(conversation: Conversation) -> dict[str, Any]:
    """The bot's state as the `state` column keeps it."""
    state: dict[str, Any] = {}
    pending = conversation.pending
    if isinstance(pending, Clarifying):
        state.update(pending="clarify", options=list(pending.options), labels=list(pending.labels))
    elif isinstance(pending, InScript):
        state.update(pending="script", script_article=pending.article, step=pending.step)
    elif isinstance(pending, AwaitingNumber):
        state.update(
            pending="number", handoff_reason=pending.reason, ticket_type=pending.ticket_type
        )
    for key, value in (
        ("last_question", conversation.last_question),
        ("last_article", conversation.last_article),
        ("category_hint", conversation.handoff_article),
    ):
        if value is not None:
            state[key] = value
    if conversation.with_people:
        state["with_people"] = True
    if conversation.account:
        state["account"] = dict(conversation.account)
    return state


def _pending(state: dict[str, Any]) -> Pending | None:
    kind = state.get("pending")
    if kind == "clarify":
        return Clarifying(_texts(state.get("options")), _texts(state.get("labels")))
    if kind == "script":
        return InScript(str(state.get("script_article") or ""), str(state.get("step") or ""))
    if kind == "number":
        waiting = AwaitingNumber()
        return AwaitingNumber(
            str(state.get("handoff_reason", waiting.reason)),
            str(state.get("ticket_type", waiting.ticket_type)),
        )
    return None


def _role(value: Any) -> Role:
    return "customer" if value == "customer" else "bot"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
