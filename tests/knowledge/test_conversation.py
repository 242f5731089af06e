"""The conversation kept between turns: typed in the bot, flat JSON in its row."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any

import pytest

from closeloop.knowledge.bot import decisions
from closeloop.knowledge.bot.conversation import (
    AwaitingNumber,
    Clarifying,
    Conversation,
    InScript,
    Pending,
    Turn,
    load,
    save,
    state_of,
)
from closeloop.knowledge.models import ChatSession

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def row(state: dict[str, Any], transcript: list[dict[str, Any]] | None = None) -> ChatSession:
    return ChatSession(
        id="c1",
        msisdn=None,
        client_address="203.0.113.9",
        transcript=transcript or [],
        state=state,
        handed_over=False,
        ticket_id=None,
        created_at=NOW,
        updated_at=NOW,
    )


@pytest.mark.parametrize(
    "pending",
    [
        None,
        Clarifying(["demo-a", "demo-b"], ["问题A", "问题B"]),
        InScript("demo-a", "check-power"),
        AwaitingNumber("customer is upset", "complaint"),
    ],
)
def test_a_conversation_survives_its_row(pending: Pending | None) -> None:
    kept = row({})
    conversation = Conversation(
        id="c1",
        msisdn="13900000001",
        turns=[Turn("customer", "彩铃怎么开通"), Turn("bot", "关于“彩铃”：…")],
        pending=pending,
        last_question="彩铃怎么开通",
        last_article="demo-ringback-open",
        handoff_article="demo-ringback-fee",
        handed_over=True,
        ticket_id=7,
    )
    save(conversation, kept)
    assert load(kept) == conversation


def test_the_state_column_keeps_its_flat_keys() -> None:
    conversation = Conversation(
        id="c1", pending=InScript("demo-a", "s2"), last_question="q", last_article="demo-a"
    )
    assert state_of(conversation) == {
        "pending": "script",
        "script_article": "demo-a",
        "step": "s2",
        "last_question": "q",
        "last_article": "demo-a",
    }
    waiting = Conversation(id="c1", pending=AwaitingNumber("not confident", "inquiry"))
    assert state_of(waiting) == {
        "pending": "number",
        "handoff_reason": "not confident",
        "ticket_type": "inquiry",
    }


def test_a_row_written_before_the_typed_state_reads_the_same() -> None:
    old = row(
        {"pending": "number", "category_hint": None, "options": ["x"], "labels": ["X"]},
        [{"role": "customer", "text": "转人工"}, {"role": "bot", "text": "请回复您的手机号码"}],
    )
    conversation = load(old)
    assert conversation.pending == AwaitingNumber("customer asked for a person", "inquiry")
    assert conversation.handoff_article is None and conversation.last_question is None
    assert [t.role for t in conversation.turns] == ["customer", "bot"]
    assert load(row({})).pending is None and load(row({"pending": "clarify"})).pending == (
        Clarifying([], [])
    )


def test_calibration_writes_the_file_the_bot_reads() -> None:
    shipped = resources.files("closeloop.knowledge").joinpath("data", "bot_confidence.txt")
    assert decisions.calibration_file() == shipped
    with resources.as_file(decisions.calibration_file()) as target:
        assert target.is_file() and target.parent.name == "data"
        assert target.parent.parent.name == "knowledge"
