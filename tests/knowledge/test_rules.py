"""Pure rules without a database: the workflow table, scripts, the bot's decisions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.knowledge import script, workflow
from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot.conversation import Clarifying
from closeloop.knowledge.search import bridge


@given(
    st.sampled_from(workflow.STATUSES), st.sampled_from(list(workflow.TRANSITIONS)), st.booleans()
)
def test_an_action_is_possible_exactly_when_the_table_says(
    status: str, action: str, live: bool
) -> None:
    allowed = action in workflow.allowed_actions(status, live=live)
    if allowed:
        assert workflow.check(action, status, live=live).to_status in workflow.STATUSES
    else:
        with pytest.raises(Conflict) as raised:
            workflow.check(action, status, live=live)
        assert raised.value.extra["allowed"] == workflow.allowed_actions(status, live=live)


def test_the_happy_path_and_who_walks_it() -> None:
    path = [
        ("submit", "kb.submit"),
        ("approve", "kb.approve"),
        ("publish", "kb.publish"),
        ("retire", "kb.retire"),
    ]
    status = "draft"
    for action, permission in path:
        transition = workflow.check(action, status, live=status == "published")
        assert transition.permission == permission
        status = transition.to_status
    assert status == "retired"


def test_only_a_live_article_can_be_retired() -> None:
    assert "retire" not in workflow.allowed_actions("draft", live=False)
    assert "retire" in workflow.allowed_actions("draft", live=True)


FLOW = {
    "start": "a",
    "steps": [
        {
            "id": "a",
            "kind": "ask",
            "text": "重启了吗？",
            "options": [{"label": "重启了", "next": "b"}, {"label": "没有", "next": "c"}],
        },
        {"id": "b", "kind": "article", "article": "demo-resume"},
        {"id": "c", "kind": "resolve", "text": "请先重启手机。"},
    ],
}


def test_a_well_formed_script_is_walked_by_number_or_label() -> None:
    assert script.validate(FLOW) is FLOW
    assert script.choose(FLOW, "a", "2")["id"] == "c"  # type: ignore[index]
    assert script.choose(FLOW, "a", "已经重启了")["id"] == "b"  # type: ignore[index]
    assert script.choose(FLOW, "a", "不知道") is None
    assert len(script.outline(FLOW)) == 3


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda f: f["steps"][0]["options"].append({"label": "x", "next": "zz"}), "unknown step"),
        (lambda f: f["steps"][0]["options"].append({"label": "x", "next": "a"}), "loops"),
        (lambda f: f["steps"].append({"id": "d", "kind": "resolve", "text": "t"}), "never reached"),
        (lambda f: f.update(start="nowhere"), "start"),
        (lambda f: f["steps"][2].update(options=[{"label": "x", "next": "a"}]), "ends the script"),
    ],
)
def test_broken_scripts_are_refused(change: object, problem: str) -> None:
    import copy

    flow = copy.deepcopy(FLOW)
    change(flow)  # type: ignore[operator]
    with pytest.raises(InvalidInput) as raised:
        script.validate(flow)
    assert problem in raised.value.detail


def _evidence(first: float, second: float, semantic: float = 0.8) -> bot.Evidence:
    """Evidence as search gives it for a message that names its topic."""
    return bot.Evidence(
        [
            bot.Candidate("a", "问题A", first, semantic, 1.0),
            bot.Candidate("b", "问题B", second, 0.5, 0.6),
        ],
        semantic_gap=0.1,
        topic_gap=0.1,
        topic_closeness=0.95,
        lexical_gap=0.3,
        coverage=0.6,
        familiar=0.9,
    )


def test_a_strong_clear_match_is_answered() -> None:
    decision = bot.decide("手机没信号", _evidence(1.9, 1.4))
    assert decision.kind == "answer" and decision.article == "a"
    assert decision.confidence >= bot.calibration().answer_at


def test_a_weak_match_is_handed_over() -> None:
    weak = bot.Evidence([bot.Candidate("a", "问题A", 0.9, 0.3)], topic_closeness=0.5)
    assert bot.decide("今天天气怎么样", weak).kind == "handoff"
    assert bot.decide("随便", bot.Evidence([])).kind == "handoff"


def test_two_close_articles_lead_to_a_question_and_the_choice_is_understood(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A calibration that is unsure of the best article but sure it is one of the first two.
    unsure = bot.read_calibration(
        "answer bias -2\neither bias 2\nthreshold answer 0.6\nthreshold clarify 0.6\n"
    )
    monkeypatch.setattr(bot, "calibration", lambda: unsure)
    close = _evidence(1.7, 1.69)
    decision = bot.decide("那个怎么弄", close)
    assert decision.kind == "clarify" and decision.options == ["a", "b"]
    state = Clarifying(options=["a", "b"], labels=["问题A", "问题B"])
    assert bot.decide("2", close, state).article == "b"
    assert bot.decide("第一个", close, state).article == "a"


@pytest.mark.parametrize("message", ["转人工", "我要人工客服", "给我找个真人"])
def test_asking_for_a_person_hands_over(message: str) -> None:
    decision = bot.decide(message, _evidence(2.0, 1.0))
    assert decision.kind == "handoff" and decision.ticket_type == "inquiry"


@pytest.mark.parametrize(
    "message",
    [
        "我要投诉你们营业厅的工作人员",
        "客服态度太差了还挂我电话",
        "你们什么破网络，气死我了！！！",
        "再不解决我就去工信部投诉",
    ],
)
def test_complaints_about_staff_and_anger_hand_over_as_complaints(message: str) -> None:
    decision = bot.decide(message, _evidence(2.0, 1.0))
    assert decision.kind == "handoff" and decision.ticket_type == "complaint"


@pytest.mark.parametrize(
    "message",
    ["能不能告诉我这个号码的机主是谁", "帮我调一下我前妻的通话记录", "教我怎么破解隔壁的无线网"],
)
def test_requests_for_someone_elses_data_or_break_ins_are_handed_over(message: str) -> None:
    decision = bot.decide(message, _evidence(2.0, 1.0))
    assert decision.kind == "handoff" and decision.reason == "request beyond what may be answered"


@pytest.mark.parametrize(
    "message",
    [
        "来电时看不到对方的名字怎么办",
        "给老公充话费把号码输错了",
        "别人打我电话提示已关机",
        "我妈的手机卡坏了能补吗",
    ],
)
def test_ordinary_questions_mentioning_other_people_are_not_ruled(message: str) -> None:
    assert bot.ruled_handoff(message) is None


def test_the_customer_messages_name_demo_articles() -> None:
    articles = {a["external_id"] for a in bridge.demo_articles()}
    messages = bridge.customer_messages()
    assert len(messages) >= 500
    assert {m["target"] for m in messages} <= articles
    assert {m["difficulty"] for m in messages} == {"easy", "medium", "hard"}
    assert not [m for m in messages if bot.asks_beyond_policy(m["message"])]
