"""The shipped classifier: its labels, its agreement with scikit-learn, the training data."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from closeloop.opinion.classifier import load, shipped
from closeloop.opinion.features import normalise, tokens
from closeloop.opinion.labels import CATEGORIES, SENTIMENTS
from closeloop.opinion.training.corpus import handwritten
from closeloop.opinion.training.evaluate import score
from closeloop.opinion.training.fit import fit
from closeloop.opinion.training.generator import generate


def test_every_verdict_uses_the_dev_set_labels() -> None:
    texts = ["宽带又断了", "客服小姐姐很耐心，点赞", "请问副卡怎么办理", "", "🙂🙂🙂"]
    for verdict in shipped().classify_all(texts):
        assert verdict.sentiment in SENTIMENTS
        assert verdict.category in CATEGORIES
        assert isinstance(verdict.complaint, bool) and isinstance(verdict.urgent, bool)


def test_clear_posts_get_the_obvious_labels() -> None:
    model = shipped()
    angry = model.classify("家里宽带从周一断到现在，报修三次没人上门，太坑了")
    assert (angry.sentiment, angry.complaint, angry.category) == ("negative", True, "broadband")
    praise = model.classify("营业厅的工作人员特别耐心，十分钟就帮我办好了，必须好评")
    assert (praise.sentiment, praise.complaint) == ("positive", False)
    regulator = model.classify("乱扣我话费三个月了，客服推来推去，我已经向工信部投诉了")
    assert regulator.urgent and regulator.complaint
    outage = model.classify("我们整个小区的手机都没信号了，已经一上午了，什么情况")
    assert outage.urgent and outage.category == "signal"


def test_an_ad_and_an_off_topic_brand_word_are_neutral_and_no_complaint() -> None:
    model = shipped()
    for text in ("限时特惠：大流量卡19元包月，私信办理", "新买的移动硬盘拷贝速度真快"):
        verdict = model.classify(text)
        assert (verdict.sentiment, verdict.complaint, verdict.urgent) == ("neutral", False, False)


def test_numpy_scores_equal_scikit_learn_on_the_same_features() -> None:
    examples = generate(300, seed=5)
    model = fit(examples, c=4.0, min_df=1)
    vectorizer = TfidfVectorizer(analyzer=tokens, sublinear_tf=True, min_df=1)
    x = vectorizer.fit_transform([e.text for e in examples])
    reference = LogisticRegression(C=4.0, max_iter=2000).fit(
        x, [SENTIMENTS.index(e.sentiment) for e in examples]
    )
    probe = ["宽带又断了三天", "服务很好👍", "请问彩铃怎么关"]
    expected = reference.decision_function(vectorizer.transform(probe))
    got = np.array([model.scores(t)[: len(SENTIMENTS)] for t in probe])
    assert np.allclose(got, expected, atol=1e-6)


def test_the_artefact_round_trips(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "m.npz"
    model = fit(generate(200, seed=3), min_df=1)
    model.save(path)
    again = load(path)
    text = "短信验证码一直收不到"
    assert np.allclose(again.scores(text), model.scores(text), atol=1e-4)
    assert again.classify(text) == model.classify(text)


def test_the_generator_is_deterministic_and_varied() -> None:
    first, second = generate(500, seed=9), generate(500, seed=9)
    assert first == second
    assert len({e.text for e in first}) == 500
    assert {e.sentiment for e in first} == set(SENTIMENTS)
    assert {e.category for e in first} == set(CATEGORIES)
    assert any(e.urgent for e in first) and not all(e.complaint for e in first)


def test_handwritten_posts_are_well_formed() -> None:
    posts = handwritten()
    assert len(posts) >= 100
    for p in posts:
        assert p.sentiment in SENTIMENTS and p.category in CATEGORIES and p.text
    assert sum(p.urgent for p in posts) >= 15


def test_normalise_folds_full_width_and_long_runs() -> None:
    assert normalise("ＡＢＣ！！！！！！") == "abc!!!!"
    assert "§regulator" in tokens("我要打12315")


def test_a_model_fits_its_own_training_posts() -> None:
    examples = generate(200, seed=1)
    model = fit(examples, min_df=1)
    verdicts = model.classify_all(e.text for e in examples)
    assert score(verdicts, examples).sentiment_accuracy > 0.95
