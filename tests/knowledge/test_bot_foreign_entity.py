"""Another service's card, password or account: the pure check and the bot's use of it."""

from __future__ import annotations

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot.faq_words import vocabulary
from closeloop.knowledge.bot.foreign_entity import Vocabulary, foreign_modifiers, modifiers, tagged
from closeloop.knowledge.search.index import IndexDoc

TELECOM = Vocabulary.of(
    [
        "手机卡丢了怎么补卡",
        "宽带账号密码忘了怎么重置",
        "服务密码怎么修改",
        "副卡怎么办理",
        "话费怎么充值，可用银行卡或微信支付",
        "营业厅APP怎么下载",
    ]
)


def test_a_card_or_password_of_a_service_the_faq_never_names_is_foreign() -> None:
    assert foreign_modifiers("加油卡怎么充值", TELECOM) == ["加油"]
    assert foreign_modifiers("我的QQ密码忘了", TELECOM) == ["QQ"]
    assert foreign_modifiers("公积金账户怎么查", TELECOM) == ["公积金"]


def test_the_faqs_own_cards_and_passwords_are_not_foreign() -> None:
    assert foreign_modifiers("手机卡丢了怎么办", TELECOM) == []
    assert foreign_modifiers("宽带的密码忘了", TELECOM) == []
    assert foreign_modifiers("营业厅APP打不开", TELECOM) == []
    assert foreign_modifiers("服务密码输错被锁了", TELECOM) == []


def test_what_is_foreign_depends_on_the_faq_alone() -> None:
    fuel_station = Vocabulary.of(["加油卡怎么充值", "加油卡挂失"])
    assert foreign_modifiers("加油卡怎么充值", fuel_station) == []
    assert foreign_modifiers("加油卡怎么充值", TELECOM) == ["加油"]


def test_a_message_without_a_card_password_or_account_has_no_foreign_modifier() -> None:
    assert foreign_modifiers("医保怎么报销", TELECOM) == []
    assert foreign_modifiers("去日本旅游手机能用吗", TELECOM) == []


def test_counts_verbs_and_guessed_names_are_not_modifiers() -> None:
    # 六位数 says how many digits; 卡 in 就卡 is "lags"; jieba reads 张小卡 as a name
    assert foreign_modifiers("登录要输六位数密码", TELECOM) == []
    assert foreign_modifiers("一团战就卡延迟蹦到三百", TELECOM) == []
    assert foreign_modifiers("里面那张小卡认不出来了", TELECOM) == []


def test_a_compound_is_split_at_its_head_and_modifiers_are_read_through_de() -> None:
    assert ("社保", "n") in modifiers(tagged("社保卡丢了"))
    assert modifiers(tagged("QQ的密码忘了")) == [("QQ", "eng")]
    assert foreign_modifiers("社保卡丢了怎么补办", TELECOM) == ["社保"]


def test_the_vocabulary_of_an_index_is_its_articles_and_the_telecom_lexicon() -> None:
    docs = [
        IndexDoc.from_content(
            1,
            "fuel",
            {"category": "card/fuel", "question": "加油卡怎么充值", "answer": "在APP充值。"},
        )
    ]
    words = vocabulary(docs)
    assert words.knows("加油") and words.knows("携号转网")
    assert not words.knows("公积金")


def test_the_bot_hands_over_a_message_about_another_service_however_confident() -> None:
    sure = bot.Evidence(
        [
            bot.Candidate("sim", "手机卡丢了怎么补办", 3.0, 0.95, 2.0),
            bot.Candidate("x", "x", 0.1, 0.1),
        ],
        semantic_gap=0.6,
        topic_gap=0.6,
        topic_closeness=0.9,
        lexical_gap=2.0,
        coverage=1.0,
        familiar=1.0,
    )
    answered = bot.decide("社保卡丢了怎么补办", sure, limits_now=bot.Limits(0.01, 0.01))
    assert answered.kind == "answer"
    handed = bot.decide("社保卡丢了怎么补办", sure, None, bot.Limits(0.01, 0.01), ["社保"])
    assert handed.kind == "handoff" and "社保" in handed.reason
