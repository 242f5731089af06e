"""The self-service bot's decisions (自助机器人决策) — pure rules, no database, no I/O.

Given the customer's message, what search found and what the conversation is waiting for,
`decide` says what to do:
- hand over to a person when asked (转人工), when the customer complains about staff or is
  angry, or when the bot is not confident;
- ask "您是想问…" with up to three options when the best article is uncertain but the right
  one is very likely among the first three, or the message is very likely one the FAQ answers
  (`scope.in_scope`, a separate model: in scope or not, apart from which article);
- otherwise answer with the best article (and walk its script, one step per message).
Confidence is calibrated: two logistic models over features of the ranking (strength of the
best hit, its margin, agreement of the semantic, topic and lexical rankings, how much of the
query the article covers, how many ways the article is phrased) and their pairwise products
give the chance that the best article is right and the chance that the right one is among the
options a clarifying question offers (`menu`). Their weights, thresholds and the range
each feature was seen in (values beyond are held at its edge, so the products do not run
away) are data (`knowledge/data/bot_confidence.txt`), fitted by `bot.calibrate` on questions
generated from the shipped demo FAQ and on customer messages written for it.

An operator's own FAQ puts every score on another scale (more or fewer similar questions,
other wording), so the thresholds adapt to it (`Level`, `limits`): the shipped out-of-scope
messages are asked of the FAQ's index, and how confident the models are on them there, compared
with how confident they were on the same messages in calibration, moves both thresholds
(in log-odds) by part of the difference. A FAQ on which strangers look less like answers gets
lower thresholds, one on which they look more like answers gets higher ones.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from closeloop.knowledge.bot.conversation import Clarifying, Pending

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
    r"气死|太差劲|垃圾运营商|什么破|破网|骗子公司|坑人|坑钱|黑心|滚|他妈|(?<![我她姨舅姑大老])妈的|tmd|操你|混蛋|"
    r"忍无可忍|受够了|无语了|再不解决|再不给我解决|曝光|找媒体|记者|要告你们|起诉|法院|律师|打官司|"
    r"消协|消费者协会|12315|12300|工信部投诉|给个说法|讨个说法|严肃处理|道歉|[!！]{3,}|[?？]{3,}"
)
# Another person's private records or whereabouts, or breaking into a network or account: the
# bot never answers these from the FAQ; a person explains what the law allows.
SOMEONE_ELSE = (
    r"(老公|老婆|丈夫|妻子|媳妇|男朋友|女朋友|男友|女友|前男友|前女友|前夫|前妻|邻居|同事|"
    r"别人|他人|陌生人|对方|这个人|那个人|他的|她的|此人|这个号码|这个手机号|该号码)"
)
PRIVATE = (
    r"(通话记录|通话详单|聊天记录|短信内容|短信记录|上网记录|浏览记录|定位|位置|行踪|去过哪|"
    r"机主|身份信息|身份证|真实姓名|姓名|名字|住址|家庭地址|新号码|和谁|跟谁|联系人)"
)
OTHERS_PRIVATE = re.compile(
    rf"(查|调取|调出|调一下|告诉我|发给我|给我|透露).{{0,8}}{SOMEONE_ELSE}.{{0,8}}{PRIVATE}"
)
INTRUSION = re.compile(
    r"破解|盗号|黑进|入侵|监听|窃听|偷看.{0,6}(短信|聊天|记录)|(帮我|帮忙)定位|定位(别人|他|她)"
)
FIRST = re.compile(r"^(1|一|第一个|第一|前面那个|前者|上面那个)$")
SECOND = re.compile(r"^(2|二|第二个|第二|后面那个|后者|下面那个)$")
THIRD = re.compile(r"^(3|三|第三个|第三|最后那个|最后一个)$")
MENU_SIZE = 3  # at most this many options in a clarifying question
MENU_SPAN = 0.3  # an option after the first scores at most this much below the best
# The thresholds moved for a FAQ stay within these (chance that the best / one offered is right)
ANSWER_RANGE = (0.3, 0.95)
CLARIFY_RANGE = (0.2, 0.95)
NEVER = 1.01  # a threshold no chance reaches (a calibration without a scope model)


@dataclass(frozen=True)
class Candidate:
    """A search hit as the bot sees it."""

    external_id: str
    question: str
    score: float
    semantic: float
    lexical: float = 0.0
    category: str = ""
    phrasings: int = 1  # the article's question and similar questions


@dataclass(frozen=True)
class Evidence:
    """What search found for a message, and how clearly the best hit stands out."""

    candidates: list[Candidate]
    semantic_gap: float = 0.0
    topic_gap: float = 0.0
    topic_closeness: float = 0.0
    lexical_gap: float = 0.0
    coverage: float = 0.0
    familiar: float = 0.0


@dataclass(frozen=True)
class Decision:
    """What the bot does next."""

    kind: str  # answer | clarify | handoff | script_step
    article: str | None = None
    confidence: float = 0.0
    reason: str = ""
    ticket_type: str = "inquiry"
    options: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Level:
    """How confident the models are on messages outside the FAQ: a high quantile of the
    log-odds of the answer model and of the either model over the shipped out-of-scope
    messages asked of one index."""

    answer: float
    either: float


@dataclass(frozen=True)
class Limits:
    """The thresholds in force: answer at `answer_at`, else ask at `clarify_at` or when the
    message is in scope at `in_scope_at`; `level` is the FAQ's, when measured."""

    answer_at: float
    clarify_at: float
    level: Level | None = None
    in_scope_at: float = NEVER


@dataclass(frozen=True)
class Calibration:
    """The fitted models: weights by feature name (and "bias"), and the decision thresholds.

    `reference` is the `Level` of the calibration's own indexes, `quantile` the quantile it
    was taken at, and `shift` the part of a FAQ's difference from it that moves the
    thresholds (0: fixed thresholds). `scope` is the in-scope model (`scope.in_scope`), and
    `scope_at` the chance at which an uncertain in-scope message gets a clarifying question."""

    answer: dict[str, float]
    either: dict[str, float]
    answer_at: float
    clarify_at: float
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    reference: Level | None = None
    quantile: float = 0.9
    shift: float = 0.0
    scope: dict[str, float] = field(default_factory=dict)
    scope_at: float = NEVER

    def held(self, values: dict[str, float]) -> dict[str, float]:
        """The features held within the ranges seen in calibration."""
        out = dict(values)
        for name, (low, high) in self.ranges.items():
            if name in out:
                out[name] = min(high, max(low, out[name]))
        return out


def features(evidence: Evidence) -> dict[str, float]:
    """The ranking features the confidence is computed from (empty without candidates)."""
    if not evidence.candidates:
        return {}
    best, rest = evidence.candidates[0], evidence.candidates[1:]
    second = rest[0] if rest else Candidate("", "", best.score - 1.0, 0.0)
    third = rest[1].score if len(rest) > 1 else second.score - 1.0
    return {
        "score": best.score,
        "margin": best.score - second.score,
        "semantic": best.semantic,
        "semantic_gap": evidence.semantic_gap,
        "topic_gap": evidence.topic_gap,
        "topic_closeness": evidence.topic_closeness,
        "lexical": best.lexical,
        "lexical_gap": evidence.lexical_gap,
        "coverage": evidence.coverage,
        "familiar": evidence.familiar,
        # how many ways the best article is phrased (a FAQ without similar questions scores
        # lower on the semantic signal for the same question)
        "phrasings": math.log1p(max(0, best.phrasings - 1)),
        "second_score": second.score,
        "second_semantic": second.semantic,
        "second_margin": second.score - third,
        "third_margin": best.score - third,
        "same_category": float(_top_level(best.category) == _top_level(second.category)),
    }


def _top_level(category: str) -> str:
    return category.split("/", 1)[0]


def term(name: str, values: dict[str, float]) -> float:
    """A model term's value: one feature, or the product of features joined by "*"."""
    out = 1.0
    for feature in name.split("*"):
        out *= values.get(feature, 0.0)
    return out


def _logistic(weights: dict[str, float], values: dict[str, float]) -> float:
    z = sum(w * (1.0 if k == "bias" else term(k, values)) for k, w in weights.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def chance(weights: dict[str, float], values: dict[str, float]) -> float:
    """A fitted model's chance for the given feature values (0…1)."""
    return _logistic(weights, values)


def log_odds(weights: dict[str, float], values: dict[str, float]) -> float:
    """A fitted model's log-odds for the given feature values (within ±13.8)."""
    return _logit(_logistic(weights, values))


def _logit(p: float) -> float:
    p = min(1.0 - 1e-6, max(1e-6, p))
    return math.log(p / (1.0 - p))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def read_calibration(text: str) -> Calibration:
    """Parse the calibration file: `model term weight` (answer, either, scope),
    `threshold answer|clarify|scope value`, `range feature low high` and
    `reference answer|either|quantile|shift value` lines."""
    models: dict[str, dict[str, float]] = {
        "answer": {},
        "either": {},
        "scope": {},
        "threshold": {},
        "reference": {},
    }
    ranges: dict[str, tuple[float, float]] = {}
    for line in text.splitlines():
        parts = line.split("#", 1)[0].split()
        if len(parts) == 3:
            models[parts[0]][parts[1]] = float(parts[2])
        elif len(parts) == 4 and parts[0] == "range":
            ranges[parts[1]] = (float(parts[2]), float(parts[3]))
    limits, seen = models["threshold"], models["reference"]
    reference = Level(seen["answer"], seen["either"]) if {"answer", "either"} <= set(seen) else None
    return Calibration(
        models["answer"],
        models["either"],
        limits["answer"],
        limits["clarify"],
        ranges,
        reference,
        seen.get("quantile", 0.9),
        seen.get("shift", 0.0),
        models["scope"],
        limits.get("scope", NEVER),
    )


def calibration_file() -> Traversable:
    """The shipped calibration, `knowledge/data/bot_confidence.txt`: read here, written by
    `python -m closeloop.knowledge.bot.calibrate --write`."""
    return resources.files("closeloop.knowledge").joinpath("data").joinpath("bot_confidence.txt")


@lru_cache(maxsize=1)
def calibration() -> Calibration:
    """The shipped calibration."""
    return read_calibration(calibration_file().read_text("utf-8"))


def confidence(evidence: Evidence) -> float:
    """The chance that the best candidate answers the message (0…1)."""
    values = features(evidence)
    shipped = calibration()
    return _logistic(shipped.answer, shipped.held(values)) if values else 0.0


def either_confidence(evidence: Evidence) -> float:
    """The chance that one of the first three candidates answers the message (0…1)."""
    values = features(evidence)
    if len(evidence.candidates) < 2:
        return 0.0
    shipped = calibration()
    return _logistic(shipped.either, shipped.held(values))


def _quantile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def level_of(strangers: Sequence[dict[str, float]], shipped: Calibration) -> Level | None:
    """The `Level` of an index from the features of the out-of-scope messages asked of it
    (None without any)."""
    seen = [values for values in strangers if values]
    if not seen:
        return None
    answer = [log_odds(shipped.answer, shipped.held(v)) for v in seen]
    either = [log_odds(shipped.either, shipped.held(v)) for v in seen]
    return Level(_quantile(answer, shipped.quantile), _quantile(either, shipped.quantile))


def limits(shipped: Calibration, level: Level | None = None) -> Limits:
    """The thresholds for a FAQ whose `Level` is given: the shipped ones moved in log-odds by
    `shift` times the FAQ's difference from the calibration's level, kept within
    ANSWER_RANGE and CLARIFY_RANGE (the shipped ones without a level or reference). The
    in-scope threshold is the shipped one: the scope model's features are relative to the
    FAQ's level already."""
    reference = shipped.reference
    if level is None or reference is None or shipped.shift == 0.0:
        return Limits(shipped.answer_at, shipped.clarify_at, level, shipped.scope_at)
    answer = _logit(shipped.answer_at) + shipped.shift * (level.answer - reference.answer)
    either = _logit(shipped.clarify_at) + shipped.shift * (level.either - reference.either)
    return Limits(
        min(ANSWER_RANGE[1], max(ANSWER_RANGE[0], _sigmoid(answer))),
        min(CLARIFY_RANGE[1], max(CLARIFY_RANGE[0], _sigmoid(either))),
        level,
        shipped.scope_at,
    )


def menu(evidence: Evidence) -> list[str]:
    """The options of a clarifying question: the best candidate and, up to MENU_SIZE, those
    scoring within MENU_SPAN of it (a candidate far below the best is rarely the right one)."""
    if not evidence.candidates:
        return []
    best = evidence.candidates[0].score
    return [
        c.external_id
        for c in evidence.candidates[:MENU_SIZE]
        if best - c.score <= MENU_SPAN or c is evidence.candidates[0]
    ]


def wants_person(message: str) -> bool:
    """The customer asks for a person (转人工)."""
    return bool(PERSON.search(message.strip()))


def complains_about_staff(message: str) -> bool:
    """The customer complains about our staff."""
    return bool(STAFF_COMPLAINT.search(message))


def is_angry(message: str) -> bool:
    """The customer is angry (swearing, threats to escalate, shouting)."""
    return bool(ANGRY.search(message.lower()))


def tapped(message: str, options: list[str], labels: list[str]) -> str | None:
    """The option whose text the message is, as the widget sends it when the customer taps it."""
    text = message.strip()
    for option, label in zip(options, labels, strict=False):
        if label and text == label.strip():
            return option
    return None


def pick_option(message: str, options: list[str], labels: list[str]) -> str | None:
    """Which offered option the customer chose: by number or by the option's words."""
    text = message.strip().rstrip("。.!！？?")
    for pattern, option in zip((FIRST, SECOND, THIRD), options, strict=False):
        if pattern.match(text):
            return option
    for option, label in zip(options, labels, strict=False):
        if label and (label in text or (len(text) >= 4 and text in label)):
            return option
    return None


def asks_beyond_policy(message: str) -> bool:
    """The customer asks for someone else's private data or help breaking into something."""
    return bool(OTHERS_PRIVATE.search(message) or INTRUSION.search(message))


def ruled_handoff(message: str) -> Decision | None:
    """A hand-over the message calls for whatever search finds (person, complaint, anger,
    a request the FAQ must not answer)."""
    if complains_about_staff(message):
        return Decision("handoff", reason="complaint about staff", ticket_type="complaint")
    if is_angry(message):
        return Decision("handoff", reason="customer is upset", ticket_type="complaint")
    if wants_person(message):
        return Decision("handoff", reason="customer asked for a person")
    if asks_beyond_policy(message):
        return Decision("handoff", reason="request beyond what may be answered")
    return None


def decide(
    message: str,
    evidence: Evidence,
    pending: Pending | None = None,
    limits_now: Limits | None = None,
    foreign: Sequence[str] = (),
    in_scope: float = 0.0,
) -> Decision:
    """The next step of the conversation for one customer message (`pending`: what the
    conversation waits for; `limits_now`: the thresholds for this FAQ, the shipped ones when
    not given; `foreign`: words naming another service's card, password or account that the
    FAQ never speaks of, `foreign_entity.foreign_modifiers`; `in_scope`: the chance that the
    FAQ answers the message at all, `scope.in_scope`)."""
    if isinstance(pending, Clarifying):
        # A tapped option is the customer's choice, whatever words its title holds.
        chosen = tapped(message, pending.options, pending.labels)
        if chosen:
            return Decision("answer", article=chosen, confidence=1.0, reason="clarified")
    ruled = ruled_handoff(message)
    if ruled is not None:
        return ruled
    if isinstance(pending, Clarifying):
        chosen = pick_option(message, pending.options, pending.labels)
        if chosen:
            return Decision("answer", article=chosen, confidence=1.0, reason="clarified")
    if foreign:
        return Decision("handoff", reason="about another service: " + "、".join(foreign))
    sure, at = confidence(evidence), limits_now or limits(calibration())
    if sure >= at.answer_at:
        best = evidence.candidates[0]
        return Decision("answer", article=best.external_id, confidence=sure, reason="confident")
    options = menu(evidence)
    if len(options) > 1 and either_confidence(evidence) >= at.clarify_at:
        return Decision(
            "clarify", confidence=sure, reason="the right article is among a few", options=options
        )
    if len(options) > 1 and in_scope >= at.in_scope_at:
        return Decision(
            "clarify", confidence=sure, reason="in scope, the article unsure", options=options
        )
    return Decision("handoff", confidence=sure, reason="not confident")
