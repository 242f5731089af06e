"""The bot's second decision: is the message one the FAQ answers at all (`bot.scope`)?"""

from __future__ import annotations

import math

import numpy as np
import pytest

from closeloop.knowledge.bot import calibrate_scope, scope
from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot.calibration_basis import Asked

# answer log-odds = score, either log-odds = 2 * score; in scope when the answer model is
# more confident than on the FAQ's strangers and the message names a telecom concept
MODELS = (
    "answer bias 0\nanswer score 1\neither bias 0\neither score 2\n"
    "threshold answer 0.9\nthreshold clarify 0.9\n"
    "reference answer 0.0\nreference either 0.0\nreference quantile 0.9\nreference shift 0\n"
)
SCOPED = MODELS + (
    "scope bias -2\nscope answer_rel 2\nscope concept 3\nthreshold scope 0.8\n"
    "range answer_rel -5 5\n"
)


def _evidence(*scores: float, lexical: tuple[float, ...] = ()) -> bot.Evidence:
    return bot.Evidence(
        [
            bot.Candidate(f"a{i}", f"问题{i}", s, 0.5, lexical[i - 1] if lexical else 0.5)
            for i, s in enumerate(scores, start=1)
        ],
        coverage=0.5,
    )


def test_the_scope_model_and_its_threshold_are_read_from_the_calibration() -> None:
    shipped = bot.read_calibration(SCOPED)
    assert shipped.scope == {"bias": -2.0, "answer_rel": 2.0, "concept": 3.0}
    assert shipped.scope_at == 0.8 and shipped.ranges["answer_rel"] == (-5.0, 5.0)
    assert bot.limits(shipped, bot.Level(0.0, 0.0)).in_scope_at == 0.8
    assert bot.read_calibration(MODELS).scope_at == bot.NEVER


def test_features_are_relative_to_the_faqs_level() -> None:
    shipped = bot.read_calibration(SCOPED)
    low = scope.features("话费怎么查", _evidence(1.0, 0.9), bot.Level(0.0, 0.0), shipped)
    high = scope.features("话费怎么查", _evidence(1.0, 0.9), bot.Level(0.5, 1.5), shipped)
    assert low["answer_rel"] == pytest.approx(1.0) and low["either_rel"] == pytest.approx(2.0)
    assert high["answer_rel"] == pytest.approx(0.5) and high["either_rel"] == pytest.approx(0.5)
    alone = scope.features("话费怎么查", _evidence(1.0), bot.Level(0.0, 0.0), shipped)
    assert alone["either_rel"] == scope.NO_MENU
    assert scope.features("话费", bot.Evidence([]), bot.Level(0.0, 0.0), shipped) == {}


def test_a_telecom_concept_and_ranking_agreement_are_features() -> None:
    assert scope.names_concept("我的话费怎么扣了这么多") == 1.0
    assert scope.names_concept("明天天气怎么样") == 0.0
    assert scope.agreement(_evidence(1.0, 0.9, lexical=(0.8, 0.2))) == 1.0
    assert scope.agreement(_evidence(1.0, 0.9, lexical=(0.2, 0.8))) == 0.0
    assert scope.agreement(bot.Evidence([])) == 0.0


def test_in_scope_grows_with_confidence_over_the_level_and_needs_a_model() -> None:
    shipped = bot.read_calibration(SCOPED)
    level = bot.Level(0.0, 0.0)
    weak = scope.in_scope("话费怎么查", _evidence(0.0, -0.1), level, shipped)
    strong = scope.in_scope("话费怎么查", _evidence(1.0, 0.9), level, shipped)
    stranger = scope.in_scope("明天天气怎么样", _evidence(1.0, 0.9), level, shipped)
    assert stranger < weak < strong
    assert strong == pytest.approx(1 / (1 + math.exp(-3.0)))
    # the calibration's reference stands in for an unmeasured FAQ; no model: never in scope
    assert scope.in_scope("话费怎么查", _evidence(1.0, 0.9), None, shipped) == strong
    plain = bot.read_calibration(MODELS)
    assert scope.in_scope("话费怎么查", _evidence(1.0, 0.9), level, plain) == 0.0


@pytest.fixture
def scoped_models(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = bot.read_calibration(SCOPED)
    monkeypatch.setattr(bot, "calibration", lambda: shipped)


@pytest.mark.usefixtures("scoped_models")
def test_an_unsure_in_scope_message_gets_a_menu_instead_of_a_hand_over() -> None:
    at = bot.limits(bot.calibration(), bot.Level(0.0, 0.0))
    unsure = _evidence(1.0, 0.95, 0.9)  # answer 0.73 and menu 0.88 below their 0.9
    assert bot.decide("话费怎么查", unsure, limits_now=at).kind == "handoff"
    inside = scope.in_scope("话费怎么查", unsure, at.level, bot.calibration())
    assert inside >= at.in_scope_at
    decision = bot.decide("话费怎么查", unsure, limits_now=at, in_scope=inside)
    assert decision.kind == "clarify" and decision.options == ["a1", "a2", "a3"]
    outside = scope.in_scope("明天天气怎么样", unsure, at.level, bot.calibration())
    assert bot.decide("明天天气怎么样", unsure, limits_now=at, in_scope=outside).kind == "handoff"
    # a lone candidate is no menu, however surely in scope
    lone = bot.decide("话费怎么查", _evidence(1.0), limits_now=at, in_scope=1.0)
    assert lone.kind == "handoff"


def _asked(kind: str, index: int, score: float, source: str = "message") -> Asked:
    values = {"score": score, "concept": 1.0}
    return Asked(values, kind, True, True, 0, source, True, index)


def test_calibration_relates_each_message_to_the_level_of_its_own_index() -> None:
    fitted = bot.read_calibration(MODELS)
    rows = [
        _asked("out_of_scope", 1, 0.0, "stranger"),
        _asked("answerable", 1, 2.0),
        _asked("answerable", 1, 2.0, "similar"),  # similar questions are not scope rows
        _asked("out_of_scope", 2, 1.0, "stranger"),
        _asked("unanswerable", 2, 2.0),
    ]
    scoped = calibrate_scope.scoped(rows, fitted)
    assert [r.best_right for r in scoped] == [False, True, False, False]
    assert [r.values["answer_rel"] for r in scoped] == pytest.approx([0.0, 2.0, 0.0, 1.0])


def test_the_scope_threshold_is_the_lowest_keeping_strangers_out_of_menus() -> None:
    rows = [_asked("out_of_scope", 1, 0.0, "stranger") for _ in range(100)]
    rows += [_asked("answerable", 1, 1.0) for _ in range(10)]
    best = np.full(len(rows), 0.1)  # nothing answered
    either = np.zeros(len(rows))  # and the menu model never asks
    inside = np.array([0.3] * 97 + [0.62, 0.72, 0.82] + [0.9] * 10)
    # 2 % of 100 strangers may be clarified: from 0.65 on only 0.72 and 0.82 are, at 0.6 three
    assert calibrate_scope.scope_threshold(rows, best, either, inside, (0.5, 0.5)) == 0.65
    assert calibrate_scope.scope_threshold(rows, best, np.ones(len(rows)), inside, (0.5, 0.5)) == (
        bot.NEVER
    )
