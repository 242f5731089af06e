"""The bot's thresholds adapt to the imported FAQ, and its "您是想问" menu offers up to three."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot import strangers
from closeloop.knowledge.bot.conversation import Clarifying
from closeloop.knowledge.bot.evidence import evidence
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex

MODELS = (
    "answer bias 0\nanswer score 1\neither bias 0\neither score 2\n"
    "threshold answer 0.6\nthreshold clarify 0.5\n"
)
ADAPTING = MODELS + (
    "reference answer 0.5\nreference either 1.0\nreference quantile 0.5\nreference shift 0.5\n"
)


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def _evidence(*scores: float) -> bot.Evidence:
    return bot.Evidence(
        [
            bot.Candidate(f"a{i}", f"问题{i}", score, 0.5, 0.5, "billing/bill")
            for i, score in enumerate(scores, start=1)
        ]
    )


def test_the_reference_level_and_shift_are_read_from_the_calibration() -> None:
    parsed = bot.read_calibration(ADAPTING)
    assert parsed.reference == bot.Level(0.5, 1.0)
    assert parsed.quantile == 0.5 and parsed.shift == 0.5
    plain = bot.read_calibration(MODELS)
    assert plain.reference is None and plain.shift == 0.0


def test_a_faq_where_strangers_look_less_like_answers_gets_lower_thresholds() -> None:
    shipped = bot.read_calibration(ADAPTING)
    lower = bot.limits(shipped, bot.Level(answer=-1.5, either=-1.0))
    higher = bot.limits(shipped, bot.Level(answer=2.5, either=3.0))
    assert lower.answer_at < shipped.answer_at < higher.answer_at
    assert lower.clarify_at < shipped.clarify_at < higher.clarify_at
    # moved in log-odds by half the difference from the reference
    assert _logit(lower.answer_at) == pytest.approx(_logit(0.6) + 0.5 * (-1.5 - 0.5))


def test_thresholds_stay_within_their_range_however_far_a_faq_is() -> None:
    shipped = bot.read_calibration(ADAPTING)
    far_below = bot.limits(shipped, bot.Level(-100.0, -100.0))
    far_above = bot.limits(shipped, bot.Level(100.0, 100.0))
    assert (far_below.answer_at, far_below.clarify_at) == (
        bot.ANSWER_RANGE[0],
        bot.CLARIFY_RANGE[0],
    )
    assert (far_above.answer_at, far_above.clarify_at) == (
        bot.ANSWER_RANGE[1],
        bot.CLARIFY_RANGE[1],
    )


def test_without_a_level_reference_or_shift_the_shipped_thresholds_hold() -> None:
    adapting, plain = bot.read_calibration(ADAPTING), bot.read_calibration(MODELS)
    assert bot.limits(adapting, None) == bot.Limits(0.6, 0.5)
    for shipped in (plain, replace(adapting, shift=0.0)):
        found = bot.limits(shipped, bot.Level(-5.0, -5.0))
        assert (found.answer_at, found.clarify_at) == (0.6, 0.5)
        assert found.level == bot.Level(-5.0, -5.0)  # kept for the in-scope model


def test_the_level_is_a_quantile_of_the_log_odds_on_strangers() -> None:
    shipped = bot.read_calibration(ADAPTING)  # answer log-odds = score, either = 2 * score
    level = bot.level_of([{"score": s} for s in (-1.0, 0.0, 1.0, 2.0, 3.0)], shipped)
    assert level is not None
    assert level.answer == pytest.approx(1.0) and level.either == pytest.approx(2.0)
    assert bot.level_of([{}, {}], shipped) is None


def test_the_menu_offers_up_to_three_close_candidates() -> None:
    assert bot.menu(_evidence(1.8, 1.75, 1.7, 1.69)) == ["a1", "a2", "a3"]
    assert bot.menu(_evidence(1.8, 1.75, 1.2)) == ["a1", "a2"]
    assert bot.menu(_evidence(1.8, 1.2, 1.1)) == ["a1"]
    assert bot.menu(bot.Evidence([])) == []


@pytest.fixture
def simple_models(monkeypatch: pytest.MonkeyPatch) -> None:
    """Models whose log-odds are the best score (answer) and twice it (either)."""
    simple = bot.read_calibration(MODELS)
    monkeypatch.setattr(bot, "calibration", lambda: simple)


@pytest.mark.usefixtures("simple_models")
def test_an_unsure_best_article_among_close_ones_gets_a_menu_of_three() -> None:
    unsure = bot.Limits(answer_at=0.99, clarify_at=0.5)
    decision = bot.decide("那个费用的事", _evidence(1.0, 0.95, 0.9), limits_now=unsure)
    assert decision.kind == "clarify" and decision.options == ["a1", "a2", "a3"]
    sure = bot.Limits(answer_at=0.5, clarify_at=0.5)
    assert bot.decide("那个费用的事", _evidence(1.0, 0.95, 0.9), limits_now=sure).kind == "answer"


@pytest.mark.usefixtures("simple_models")
def test_a_lone_candidate_is_not_offered_as_a_menu() -> None:
    unsure = bot.Limits(answer_at=0.99, clarify_at=0.01)
    assert bot.decide("那个", _evidence(1.0, 0.2), limits_now=unsure).kind == "handoff"


def test_the_third_option_can_be_picked_by_number() -> None:
    state = Clarifying(options=["a", "b", "c"], labels=["问题A", "问题B", "问题C"])
    for said in ("3", "第三个", "三"):
        assert bot.decide(said, _evidence(1.0), state).article == "c"


def test_a_tapped_option_leads_to_its_article_even_when_its_title_reads_like_a_complaint() -> None:
    label = "投诉营业厅工作人员的渠道有哪些"
    assert bot.ruled_handoff(label) is not None  # typed as a new message it would be handed over
    state = Clarifying(options=["bill", "complain"], labels=["账单怎么查", label])
    decision = bot.decide(label, _evidence(1.0), state)
    assert decision.kind == "answer" and decision.article == "complain"


def test_the_sample_of_strangers_is_even_and_fixed() -> None:
    messages = tuple(str(i) for i in range(10))
    assert strangers.sample(messages, 5) == ["0", "2", "4", "6", "8"]
    assert strangers.sample(messages[:3], 5) == ["0", "1", "2"]
    shipped = strangers.out_of_scope()
    assert shipped and all(bot.ruled_handoff(m) is None for m in shipped)


def test_how_many_ways_the_best_article_is_phrased_is_a_feature() -> None:
    docs = [
        IndexDoc.from_content(
            1,
            "roam",
            {
                "category": "roaming/data",
                "question": "国际漫游怎么开通",
                "similar_questions": ["出国手机怎么用", "漫游功能在哪开"],
                "answer": "在APP开通。",
            },
        )
    ]
    seen = evidence(KnowledgeIndex(docs, None).search("漫游怎么开通", today=date(2026, 1, 1)))
    assert seen.candidates[0].phrasings == 3
    assert bot.features(seen)["phrasings"] == pytest.approx(math.log(3))
    bare = bot.Evidence([bot.Candidate("a", "问题", 1.0, 0.5)])
    assert bot.features(bare)["phrasings"] == 0.0
