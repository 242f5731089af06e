"""Public-opinion classifier (#22): SnowNLP, a TF-IDF + LR baseline and CloseLoop's model, one run.

The development set (`../shared/data/opinion-dev/posts.jsonl`, 400 labelled posts) is only ever
a test set here:

1. SnowNLP's sentiment score with a neutral band (lo, hi) chosen on the dev set itself (an upper
   bound for SnowNLP: it is tuned on what it is tested on); it has no complaint/urgent notion.
2. Baseline: character 1–3-gram TF-IDF + logistic regression trained on dev alone, k-fold CV.
3. CloseLoop, own data only: trained on the project's generated and hand-written posts, tested
   on all 400 dev posts, which it never saw (the cleanest figure).
4. CloseLoop, own data + dev (what ships): k-fold CV, each fold trained on the own data plus the
   other dev folds, tested on the held-out fold.
5. Speed of the shipped model (posts/s, single thread, whole `classify` path).

    .venv/bin/python benchmarks/opinion_eval.py [--dev FILE] [--folds K] [--no-snownlp]

Figures of 2026-12-07, 20:20 UTC (2-core box, load 13; 7,926 own training posts = 7,500
generated, of which ~1,000 of the twelve borderline kinds of `training/borderline.py`, + 142
hand-written × 3; sentiment acc / complaint F1 / urgent recall (precision)):

    majority class                       0.450
    SnowNLP, band tuned on dev itself    0.505  –      –
    TF-IDF 1–3 + LR (C=10), dev 5-fold   0.708  0.738  0.00
    CloseLoop, own data only → all dev   0.843  0.888  0.94 (0.87)
    CloseLoop, own + dev, dev 5-fold     0.863  0.880  0.97 (0.85)   ← what ships
    shipped model speed                  378 posts/s (one thread, under load 13; 2,376 at load ~2)

Before the borderline kinds (same run set-up): own only 0.825 / 0.868 / 0.94; CV 0.863 / 0.865 /
0.97.

How these could flatter us: the generator's kinds (resolved stories, negated problems, how-to
questions, scam warnings, and the borderline kinds: kind staff but problem open, measured
shortfall against a promise, sarcastic praise, personal incidents, policy questions, small faults
forgiven, own mistakes, defences of the operator) were added after reading the kinds of errors
the model made on dev, so "own data only" is not a blind figure; a first version of the
borderline banks held close paraphrases of single dev posts and scored 0.91 / 0.90 — those were
rewritten as other instances of the same kind, and the figures above are after that; the
hand-written posts were written after reading dev's README and a sample of its posts; the
word-feature and dev-weight choices were made on the same 5-fold CV that is reported. The
private held-out set was written independently, so expect it a few points lower, complaint F1
most at risk (0.88 leaves ~0.01 of margin over 0.87).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from closeloop.opinion.classifier import shipped  # noqa: E402
from closeloop.opinion.labels import Verdict  # noqa: E402
from closeloop.opinion.training.corpus import DEV_REPEAT, corpus, read_posts  # noqa: E402
from closeloop.opinion.training.evaluate import Scores, score  # noqa: E402
from closeloop.opinion.training.fit import fit  # noqa: E402
from closeloop.opinion.training.generator import Example  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "opinion-dev" / "posts.jsonl"


def folds(dev: Sequence[Example], k: int) -> list[tuple[list[int], list[int]]]:
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=22)
    keys = [f"{e.sentiment}-{e.urgent}" for e in dev]
    return [(list(a), list(b)) for a, b in splitter.split(keys, keys)]


def snownlp_scores(dev: Sequence[Example]) -> dict[str, float]:
    from snownlp import SnowNLP

    values = [SnowNLP(e.text).sentiments for e in dev]
    best = (0.0, 0.0, 0.0)
    grid = [i / 20 for i in range(21)]
    for lo in grid:
        for hi in (g for g in grid if g >= lo):
            said = ["negative" if v < lo else "positive" if v > hi else "neutral" for v in values]
            accuracy = sum(s == e.sentiment for s, e in zip(said, dev, strict=True)) / len(dev)
            best = max(best, (accuracy, lo, hi))
    return {"sentiment_accuracy": round(best[0], 3), "band_lo": best[1], "band_hi": best[2]}


def _lr(x: object, y: list[object]) -> LogisticRegression:
    return LogisticRegression(C=10.0, max_iter=3000).fit(x, y)


def baseline_cv(dev: Sequence[Example], k: int) -> Scores:
    verdicts: dict[int, Verdict] = {}
    for train, test in folds(dev, k):
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        x = vec.fit_transform([dev[i].text for i in train])
        xt = vec.transform([dev[i].text for i in test])
        heads = [
            _lr(x, [getattr(dev[i], label) for i in train])
            for label in ("sentiment", "complaint", "category", "urgent")
        ]
        predictions = [h.predict(xt) for h in heads]
        for j, i in enumerate(test):
            s, c, cat, u = (p[j] for p in predictions)
            verdicts[i] = Verdict(str(s), bool(c), str(cat), bool(u))
    return score([verdicts[i] for i in range(len(dev))], dev)


def own_cv(dev: Sequence[Example], own: list[Example], k: int) -> Scores:
    verdicts: dict[int, Verdict] = {}
    for n, (train, test) in enumerate(folds(dev, k), 1):
        model = fit(own + [dev[i] for i in train] * DEV_REPEAT)
        for i in test:
            verdicts[i] = model.classify(dev[i].text)
        print(f"  fold {n}/{k} done", file=sys.stderr)
    return score([verdicts[i] for i in range(len(dev))], dev)


def speed(dev: Sequence[Example], rounds: int = 5) -> float:
    model = shipped()
    texts = [e.text for e in dev] * rounds
    started = time.perf_counter()
    model.classify_all(texts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-snownlp", action="store_true")
    args = parser.parse_args()
    dev = read_posts(args.dev)
    own = corpus()
    report: dict[str, object] = {"dev_posts": len(dev), "own_training_posts": len(own)}
    if not args.no_snownlp:
        report["snownlp_tuned_on_dev"] = snownlp_scores(dev)
    report["majority_sentiment"] = round(
        max(sum(e.sentiment == s for e in dev) for s in ("negative", "neutral", "positive"))
        / len(dev),
        3,
    )
    report["tfidf_lr_dev_cv"] = baseline_cv(dev, args.folds).as_dict()
    report["closeloop_own_data_on_dev"] = score(
        fit(own).classify_all(e.text for e in dev), dev
    ).as_dict()
    report["closeloop_own_plus_dev_cv"] = own_cv(dev, own, args.folds).as_dict()
    report["shipped_posts_per_second"] = round(speed(dev))
    report["targets"] = {"sentiment_accuracy": 0.82, "complaint_f1": 0.87, "urgent_recall": 0.9}
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
