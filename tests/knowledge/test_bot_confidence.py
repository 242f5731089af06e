"""The bot's calibrated confidence: answer, ask which one, or hand over."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex
from tests.knowledge.test_chat import say


def _evidence(
    scores: tuple[float, float, float],
    *,
    semantic: float,
    coverage: float,
    closeness: float,
    lexical_gap: float = 0.0,
    gaps: float = 0.0,
    familiar: float = 0.9,
) -> bot.Evidence:
    """Evidence as search gives it; most words of a telecom message are known to the FAQ."""
    first, second, third = scores
    return bot.Evidence(
        [
            bot.Candidate("sms-delay", "短信延迟怎么办", first, semantic, 1.0, "sms/delay"),
            bot.Candidate("sms-none", "收不到短信怎么办", second, semantic, 0.9, "sms/receive"),
            bot.Candidate("bill", "账单看不懂", third, 0.3, 0.2, "billing/bill"),
        ],
        semantic_gap=gaps,
        topic_gap=gaps,
        topic_closeness=closeness,
        lexical_gap=lexical_gap,
        coverage=coverage,
        familiar=familiar,
    )


def test_a_clear_best_article_is_answered() -> None:
    clear = _evidence(
        (1.9, 1.4, 1.3), semantic=0.8, coverage=0.8, closeness=0.9, lexical_gap=0.3, gaps=0.1
    )
    decision = bot.decide("短信总是很久才收到", clear)
    assert decision.kind == "answer" and decision.article == "sms-delay"


def test_two_close_articles_get_a_question_offering_both() -> None:
    close = _evidence((1.9, 1.89, 1.4), semantic=0.8, coverage=0.6, closeness=0.9)
    decision = bot.decide("短信的问题", close)
    assert decision.kind == "clarify" and decision.options == ["sms-delay", "sms-none"]


def test_a_message_far_from_every_article_is_handed_over() -> None:
    far = _evidence((1.1, 1.0, 0.9), semantic=0.3, coverage=0.1, closeness=0.4)
    assert bot.decide("明天去杭州玩带什么衣服", far).kind == "handoff"


def test_confidence_grows_with_the_margin_over_the_second_article() -> None:
    narrow = _evidence((1.8, 1.78, 1.2), semantic=0.7, coverage=0.5, closeness=0.8)
    wide = _evidence((1.8, 1.4, 1.2), semantic=0.7, coverage=0.5, closeness=0.8)
    assert bot.confidence(wide) > bot.confidence(narrow)


def test_the_shipped_calibration_is_read() -> None:
    shipped = bot.calibration()
    assert 0.0 < shipped.answer_at < 1.0 and 0.0 < shipped.clarify_at <= 1.0
    assert {"bias", "score", "margin", "coverage"} <= set(shipped.answer)
    parsed = bot.read_calibration(
        "# comment\nanswer bias -1.5\nanswer score 2\neither bias 0\n"
        "threshold answer 0.6\nthreshold clarify 0.8\n"
    )
    assert parsed.answer == {"bias": -1.5, "score": 2.0} and parsed.answer_at == 0.6


def test_products_of_features_are_model_terms_and_features_are_held_in_range() -> None:
    parsed = bot.read_calibration(
        "answer bias 0\nanswer score*margin 2\neither bias 0\nrange margin 0 0.5\n"
        "threshold answer 0.6\nthreshold clarify 0.8\n"
    )
    assert bot.term("score*margin", {"score": 1.5, "margin": 0.4}) == 1.5 * 0.4
    assert parsed.held({"score": 9.0, "margin": 3.0}) == {"score": 9.0, "margin": 0.5}
    assert parsed.held({"margin": -1.0}) == {"margin": 0.0}


def test_coverage_says_how_much_of_the_question_the_best_article_holds() -> None:
    docs = [
        IndexDoc.from_content(
            1,
            "roam",
            {
                "category": "roaming/data",
                "question": "国际漫游流量包怎么买",
                "answer": "在APP购买。",
            },
        ),
        IndexDoc.from_content(
            2,
            "bill",
            {"category": "billing/bill", "question": "话费账单怎么查", "answer": "发短信查询。"},
        ),
    ]
    index = KnowledgeIndex(docs, None)
    on_topic = index.search("出国漫游流量包在哪里买", today=date(2026, 1, 1))
    assert on_topic.hits[0].doc.external_id == "roam"
    assert on_topic.coverage > index.search("漫游的猫粮", today=date(2026, 1, 1)).coverage


def test_an_unrelated_question_is_handed_over_and_a_clear_one_answered(
    client: TestClient,
) -> None:
    far = say(client, "明天去杭州玩带什么衣服比较好")
    assert far["handoff"] is True and far["article_external_id"] is None

    clear = say(client, "怎么取消彩铃")
    assert clear["article_external_id"] == "demo-ringback-cancel" and clear["handoff"] is False
