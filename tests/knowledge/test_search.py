"""Chinese search: segmentation with the telecom lexicon, synonyms, typos, filters, CLI."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from closeloop.knowledge.search import lexicon
from tests.knowledge.helpers import KB, act, publish, search_ids
from tests.support import Personas


def test_telecom_words_are_kept_whole_and_fillers_dropped() -> None:
    words = lexicon.segmenter().words(lexicon.normalize("我想办理携号转网和停机保号咋整"))
    assert "携号转网" in words and "停机保号" in words
    assert "咋整" not in words and "我" not in words


def test_synonyms_meet_in_one_concept() -> None:
    for a, b in [
        ("流量不够用", "移动数据不够用"),
        ("办停机", "办停号"),
        ("家里宽带", "家里光纤"),
        ("设置彩铃", "设置炫铃"),
    ]:
        ca = {t for t in lexicon.terms(a) if t.startswith("@")}
        cb = {t for t in lexicon.terms(b) if t.startswith("@")}
        assert ca & cb, (a, b)


def test_the_encoder_also_reads_the_query_in_the_faqs_own_words() -> None:
    assert lexicon.canonical("移动数据用完了") == "流量用完了"
    assert lexicon.canonical("炫铃怎么设置") == "彩铃怎么设置"
    # a single character is too ambiguous to rewrite (猫 is a cat as often as a modem)
    assert lexicon.canonical("我家猫不吃东西") == "我家猫不吃东西"


def test_a_mistyped_word_that_sounds_right_still_reaches_its_concept() -> None:
    terms = lexicon.terms("彩玲怎么换", known={"彩铃", "怎么"})
    assert "@彩铃" in terms
    # a word the articles do use is taken as typed, not read for its sound
    assert "@新卡" not in lexicon.terms("信号不好", known={"信号"})


def test_demo_questions_in_customer_words_find_their_article(
    client: TestClient, as_user: Personas
) -> None:
    cases = {
        "手机卡丢了赶紧帮我停掉": "demo-loss-report",
        "想关掉别人打我电话时放的音乐": "demo-ringback-cancel",
        "光猫上亮了个红灯": "demo-modem-red",
        "移动数据用完了想再买点": "demo-data-addon",
    }
    for query, expected in cases.items():
        assert expected in search_ids(client, as_user, query, limit=5), query


def test_typo_and_missing_words_are_tolerated(client: TestClient, as_user: Personas) -> None:
    assert "demo-ringback-cancel" in search_ids(client, as_user, "取消彩玲", limit=5)
    assert "demo-keep-number" in search_ids(client, as_user, "保号", limit=5)


def test_category_filter_keeps_to_the_path(client: TestClient, as_user: Personas) -> None:
    response = client.get(
        f"{KB}/search",
        params={"q": "收不到", "category": "sms", "limit": 10},
        headers=as_user.headers("agent"),
    )
    items = response.json()["items"]
    assert items and all(i["category"].startswith("sms/") for i in items)
    assert set(items[0]) == {"id", "external_id", "question", "category", "score"}
    assert response.json()["took_ms"] >= 0


def test_retired_articles_are_never_returned(client: TestClient, as_user: Personas) -> None:
    retired = []
    for external_id in ("demo-indoor-weak", "demo-no-service", "demo-indoor-none"):
        article = client.get(f"{KB}/articles/{external_id}", headers=as_user.headers("editor"))
        assert act(client, as_user, article.json()["id"], "retire", "supervisor").status_code == 200
        retired.append(external_id)
    for query in ("家里信号差", "手机无服务", "室内没有信号", "信号"):
        assert not set(retired) & set(search_ids(client, as_user, query, limit=50)), query


def test_search_needs_a_signed_in_user_with_the_permission(
    client: TestClient, as_user: Personas
) -> None:
    assert client.get(f"{KB}/search", params={"q": "信号"}).status_code == 401
    assert (
        client.get(f"{KB}/search", params={"q": ""}, headers=as_user.headers("agent")).status_code
        == 422
    )


def test_new_published_articles_are_found_at_once(client: TestClient, as_user: Personas) -> None:
    publish(
        client,
        as_user,
        external_id="kb-new-roaming",
        category="activation/roaming",
        question="南极科考站能用手机漫游吗？",
        answer="南极地区无公众移动网络，请使用卫星电话。",
        similar_questions=["去南极手机有信号吗"],
        tags=["南极", "卫星电话"],
    )
    assert search_ids(client, as_user, "南极科考站手机漫游")[0] == "kb-new-roaming"


def test_cli_batch_search_prints_one_json_line_per_query(cli: object) -> None:
    result = cli("kb", "search", "-", "--limit", "3", input="手机没有信号\n\n彩铃怎么取消\n")  # type: ignore[operator]
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["手机没有信号", "彩铃怎么取消"]
    assert len(lines[1]["items"]) == 3
    assert set(lines[1]["items"][0]) == {"external_id", "question", "score"}
    assert lines[1]["items"][0]["external_id"] == "demo-ringback-cancel"
    assert lines[0]["took_ms"] >= 0


def test_cli_single_search_as_json(cli: object) -> None:
    result = cli("kb", "search", "宽带怎么移机", "--json")  # type: ignore[operator]
    assert result.exit_code == 0
    assert json.loads(result.stdout)["items"][0]["external_id"] == "demo-bb-move"


def test_a_message_about_something_else_is_mostly_unfamiliar_words() -> None:
    from datetime import date

    from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex

    faq = [
        {"question": "流量用完了怎么办", "answer": "可以订购流量加油包，当月有效。"},
        {"question": "宽带断网怎么处理", "answer": "请先重启光猫和路由器，再拨打客服报修。"},
    ]
    docs = [
        IndexDoc.from_content(n, f"a{n}", {"category": "billing/data", **a})
        for n, a in enumerate(faq, 1)
    ]
    index = KnowledgeIndex(docs, None)
    today = date(2026, 11, 23)
    telecom = index.search("流量用完了，宽带也断网", today=today)
    elsewhere = index.search("周末去哪里爬山比较好", today=today)
    assert telecom.familiar == 1.0
    assert elsewhere.familiar == 0.0
