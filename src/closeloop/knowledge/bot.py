"""The self-service bot's decisions (自助机器人决策) — pure rules, no database, no I/O.

Given the customer's message, what search found and what the conversation is waiting for,
`decide` says what to do:
- hand over to a person when asked (转人工), when the customer complains about staff or is
  angry, or when the bot is not confident;
- ask which one is meant when two articles are close;
- otherwise answer with the best article (and walk its script, one step per message).
Confidence is a logistic function of how strong and how clear the best hit is; its weights
were fitted once on development data (score, margin, semantic score and gaps, topic focus).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

# Thresholds on the confidence (0…1).
ANSWER_AT = 0.72
CLARIFY_AT = 0.40
CLOSE_MARGIN = 0.06  # fused-score difference under which two articles count as close

PERSON = re.compile(
    r"转人工|人工客服|人工服务|找人工|要人工|真人|接人工|人工坐席|转接人工|找客服人员|^人工$|"
    r"找(你们)?(经理|领导|负责人|主管)|叫(你们)?(经理|领导|负责人)"
)
STAFF = r"(客服|营业员|工作人员|装维|师傅|员工|坐席|话务员|经理|营业厅的人)"
STAFF_COMPLAINT = re.compile(
    rf"投诉.{{0,12}}{STAFF}|{STAFF}.{{0,12}}(态度|骂|凶|挂我电话|不耐烦|不理人|敷衍|推诿|辱骂)"
    r"|服务态度(差|太差|恶劣|不好)"
)
ANGRY = re.compile(
    r"气死|太差劲|垃圾运营商|什么破|破网|骗子公司|坑人|坑钱|黑心|滚|他妈|妈的|tmd|操你|混蛋|"
    r"忍无可忍|受够了|无语了|再不解决|再不给我解决|曝光|找媒体|记者|要告你们|起诉|法院|律师|打官司|"
    r"消协|消费者协会|12315|12300|工信部投诉|给个说法|讨个说法|严肃处理|道歉|[!！]{3,}|[?？]{3,}"
)
FIRST = re.compile(r"^(1|一|第一个|第一|前面那个|前者|上面那个)$")
SECOND = re.compile(r"^(2|二|第二个|第二|后面那个|后者|下面那个)$")
_WEIGHTS = {
    "score": 1.78,
    "margin": 1.76,
    "semantic": 0.37,
    "semantic_gap": 1.82,
    "topic_gap": 3.05,
    "topic_closeness": 5.46,
}
_BIAS = -6.47


@dataclass(frozen=True)
class Candidate:
    """A search hit as the bot sees it."""

    external_id: str
    question: str
    score: float
    semantic: float


@dataclass(frozen=True)
class Evidence:
    """What search found for a message."""

    candidates: list[Candidate]
    semantic_gap: float = 0.0
    topic_gap: float = 0.0
    topic_closeness: float = 0.0


@dataclass(frozen=True)
class Decision:
    """What the bot does next."""

    kind: str  # answer | clarify | handoff | script_step
    article: str | None = None
    confidence: float = 0.0
    reason: str = ""
    ticket_type: str = "inquiry"
    options: list[str] = field(default_factory=list)


def confidence(evidence: Evidence) -> float:
    """How sure the bot is that the best candidate answers the message (0…1)."""
    if not evidence.candidates:
        return 0.0
    best = evidence.candidates[0]
    second = evidence.candidates[1].score if len(evidence.candidates) > 1 else best.score - 1.0
    z = _BIAS + (
        _WEIGHTS["score"] * best.score
        + _WEIGHTS["margin"] * (best.score - second)
        + _WEIGHTS["semantic"] * best.semantic
        + _WEIGHTS["semantic_gap"] * evidence.semantic_gap
        + _WEIGHTS["topic_gap"] * evidence.topic_gap
        + _WEIGHTS["topic_closeness"] * evidence.topic_closeness
    )
    return 1.0 / (1.0 + math.exp(-z))


def wants_person(message: str) -> bool:
    """The customer asks for a person (转人工)."""
    return bool(PERSON.search(message.strip()))


def complains_about_staff(message: str) -> bool:
    """The customer complains about our staff."""
    return bool(STAFF_COMPLAINT.search(message))


def is_angry(message: str) -> bool:
    """The customer is angry (swearing, threats to escalate, shouting)."""
    return bool(ANGRY.search(message.lower()))


def pick_option(message: str, options: list[str], labels: list[str]) -> str | None:
    """Which offered option the customer chose: by number or by the option's words."""
    text = message.strip().rstrip("。.!！？?")
    if options and FIRST.match(text):
        return options[0]
    if len(options) > 1 and SECOND.match(text):
        return options[1]
    for option, label in zip(options, labels, strict=False):
        if label and (label in text or (len(text) >= 4 and text in label)):
            return option
    return None


def decide(message: str, evidence: Evidence, state: dict[str, Any] | None = None) -> Decision:
    """The next step of the conversation for one customer message."""
    state = state or {}
    if complains_about_staff(message):
        return Decision("handoff", reason="complaint about staff", ticket_type="complaint")
    if is_angry(message):
        return Decision("handoff", reason="customer is upset", ticket_type="complaint")
    if wants_person(message):
        return Decision("handoff", reason="customer asked for a person")
    if state.get("pending") == "clarify":
        chosen = pick_option(message, state.get("options", []), state.get("labels", []))
        if chosen:
            return Decision("answer", article=chosen, confidence=1.0, reason="clarified")
    sure = confidence(evidence)
    if not evidence.candidates or sure < CLARIFY_AT:
        return Decision("handoff", confidence=sure, reason="not confident")
    best = evidence.candidates[0]
    close = [c for c in evidence.candidates[1:3] if best.score - c.score < CLOSE_MARGIN]
    if sure < ANSWER_AT:
        if close:
            options = [best.external_id, close[0].external_id]
            return Decision(
                "clarify", confidence=sure, reason="two articles are close", options=options
            )
        return Decision("handoff", confidence=sure, reason="not confident")
    return Decision("answer", article=best.external_id, confidence=sure, reason="confident")
