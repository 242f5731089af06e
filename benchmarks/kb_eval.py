"""Knowledge search and bot quality over a labelled set, next to a plain jieba + BM25 baseline.

    .venv/bin/python benchmarks/kb_eval.py [--data ../shared/data/kb-dev] [--scale 10000]

The articles are imported and published through `closeloop kb import`'s code path into a
fresh SQLite database; every query runs through the same search the API serves, and every
query is also put to the self-service bot as the first message of a new conversation.
Reported, for CloseLoop and for the baseline in the same run: recall@1, recall@5, MRR;
bot right / wrong / handed over on in-scope questions and handed over on out-of-scope ones;
search p95 over the labelled set, and with `--scale N` generated articles added (p95 of the
in-memory search, model inference included, and index rebuild time from cached parts).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from closeloop.config import Settings  # noqa: E402
from closeloop.db.engine import Database  # noqa: E402
from closeloop.db.migrate import upgrade  # noqa: E402
from closeloop.knowledge.bot.chat import converse  # noqa: E402
from closeloop.knowledge.importer import import_articles  # noqa: E402
from closeloop.knowledge.schemas import ChatIn  # noqa: E402
from closeloop.knowledge.search.bridge import bridge_for  # noqa: E402
from closeloop.knowledge.search.embedding import UniversalSentenceEncoder  # noqa: E402
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex, embed_docs  # noqa: E402
from closeloop.knowledge.search.live import index_for, search  # noqa: E402

TODAY = date(2026, 11, 23)
_PUNCT = re.compile(r"^[\W_]+$")


class JiebaBM25:
    """The baseline: jieba search-mode words over all of an article's text, Okapi BM25."""

    def __init__(self, articles: Sequence[dict[str, Any]], k1: float = 1.5, b: float = 0.75):
        import jieba  # type: ignore[import-untyped]

        jieba.setLogLevel(60)
        self._cut = jieba.cut_for_search
        self.ids = [a["external_id"] for a in articles]
        docs = [
            self.tokens(
                " ".join(
                    [
                        a["question"],
                        *a.get("similar_questions", []),
                        *a.get("tags", []),
                        a["answer"],
                    ]
                )
            )
            for a in articles
        ]
        n, average = len(docs), sum(map(len, docs)) / max(1, len(docs))
        postings: dict[str, list[tuple[int, float]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(doc) / average))
                postings.setdefault(term, []).append((i, norm))
        self.postings = {
            t: (
                np.array([i for i, _ in p]),
                np.array([v for _, v in p]) * math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)),
            )
            for t, p in postings.items()
        }
        self.size = n

    def tokens(self, text: str) -> list[str]:
        return [w for w in self._cut(text.lower()) if w.strip() and not _PUNCT.match(w)]

    def search(self, query: str, limit: int = 10) -> list[str]:
        scores = np.zeros(self.size)
        for term in self.tokens(query):
            if term in self.postings:
                ids, weights = self.postings[term]
                scores[ids] += weights
        top = np.argsort(-scores, kind="stable")[:limit]
        return [self.ids[i] for i in top if scores[i] > 0]


def ranking_metrics(ranked: list[list[str]], queries: list[dict[str, Any]]) -> dict[str, float]:
    """recall@1, recall@5 and MRR over the queries that have a target."""
    r1 = r5 = mrr = n = 0.0
    for ids, q in zip(ranked, queries, strict=True):
        if not q["target"]:
            continue
        n += 1
        if q["target"] in ids:
            rank = ids.index(q["target"]) + 1
            r1 += rank == 1
            r5 += rank <= 5
            mrr += 1 / rank
    return {"recall@1": r1 / n, "recall@5": r5 / n, "mrr": mrr / n}


def p95(samples: list[float]) -> float:
    return float(np.percentile(samples, 95)) if samples else 0.0


def timed(
    fn: Callable[[str], list[str]], queries: list[dict[str, Any]]
) -> tuple[list[list[str]], list[float], list[float]]:
    """Rankings, wall-clock and CPU milliseconds per query (CPU time shows the cost itself
    when the machine's cores are shared with other work)."""
    ranked, took, cpu = [], [], []
    for q in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        ranked.append(fn(q["query"]))
        took.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
    return ranked, took, cpu


def bot_outcomes(
    database: Database, settings: Settings, queries: list[dict[str, Any]]
) -> dict[str, float]:
    """Each query as the first message of a new conversation (no number given).

    A clarifying question (which of two articles?) gives no article: it counts as handed
    over, as before; how many of those were clarifying questions is reported beside."""
    right = wrong = handed = oos = oos_handed = clarified = oos_clarified = 0
    for q in queries:
        with database.unit_of_work() as session:
            out = converse(
                database, session, ChatIn(message=q["query"]), settings=settings, address="bench"
            )
        asked = out.kind == "clarify"
        if q["target"] is None:
            oos += 1
            oos_clarified += asked
            oos_handed += out.handoff or out.article_external_id is None
        elif out.article_external_id == q["target"]:
            right += 1
        elif out.article_external_id is not None:
            wrong += 1
        else:
            handed += 1
            clarified += asked
    n = max(1, len(queries) - oos)
    return {
        "bot_right": right / n,
        "bot_wrong": wrong / n,
        "bot_handover": handed / n,
        "oos_handover": oos_handed / max(1, oos),
        "bot_clarified": clarified / n,
        "oos_clarified": oos_clarified / max(1, oos),
    }


def generated_articles(
    base: list[dict[str, Any]], count: int, seed: int = 7
) -> list[dict[str, Any]]:
    """Plausible extra articles made by recombining sentences of the given ones."""
    rng = random.Random(seed)
    sentences = [s for a in base for s in re.split(r"(?<=[。！？])", a["answer"]) if len(s) > 6]
    phrasings = [p for a in base for p in [a["question"], *a.get("similar_questions", [])]]
    places = [
        "小区",
        "学校",
        "医院",
        "工业园",
        "景区",
        "高速服务区",
        "商场",
        "写字楼",
        "农村",
        "车站",
    ]
    out = []
    for i in range(count):
        a, b = rng.sample(phrasings, 2)
        out.append(
            {
                "external_id": f"gen-{i:05d}",
                "category": rng.choice(base)["category"],
                "question": f"{rng.choice(places)}{a.rstrip('？?')}，{b}",
                "similar_questions": [rng.choice(phrasings)],
                "tags": rng.choice(base).get("tags", [])[:2],
                "answer": "".join(rng.sample(sentences, 3)),
            }
        )
    return out


def scale_run(
    articles: list[dict[str, Any]], queries: list[dict[str, Any]], count: int
) -> dict[str, Any]:
    """p95 of search with `count` generated articles next to the real ones (in memory)."""
    # A fresh encoder without the query cache: the labelled queries were embedded before.
    embedder = UniversalSentenceEncoder(cache_size=0)
    every = articles + generated_articles(articles, count)
    docs = [IndexDoc.from_content(i + 1, a["external_id"], a) for i, a in enumerate(every)]
    started = time.perf_counter()
    for doc, vectors in zip(docs, embed_docs(embedder, docs), strict=True):
        doc.vectors = vectors
    embed_s = time.perf_counter() - started
    bridge = bridge_for(embedder)
    started = time.perf_counter()
    index = KnowledgeIndex(docs, embedder, bridge=bridge)
    first_build_s = time.perf_counter() - started
    started = time.perf_counter()
    KnowledgeIndex(docs, embedder, bridge=bridge)  # as after a restart: parts are cached
    rebuild_s = time.perf_counter() - started
    for q in queries[:5]:  # warm up
        index.search(q["query"] + "。", today=TODAY)
    _ranked, took, cpu = timed(
        lambda text: [h.doc.external_id for h in index.search(text, today=TODAY, limit=10).hits],
        queries,
    )
    baseline = JiebaBM25(every)
    _base, base_took, base_cpu = timed(lambda text: baseline.search(text), queries)
    return {
        "articles": len(docs),
        "embed_s": embed_s,
        "first_build_s": first_build_s,
        "rebuild_s": rebuild_s,
        "p95_ms": p95(took),
        "cpu_p95_ms": p95(cpu),
        "baseline_p95_ms": p95(base_took),
        "baseline_cpu_p95_ms": p95(base_cpu),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "kb-dev")
    parser.add_argument("--scale", type=int, default=10000, help="generated articles (0: skip)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    lines = (args.data / "articles.jsonl").read_text("utf-8").splitlines()
    articles = [json.loads(line) for line in lines if line.strip()]
    queries = [
        json.loads(line)
        for line in (args.data / "queries.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/kb_eval.db"
        upgrade(url)
        database = Database(url)
        settings = Settings(database_url=url, chat_rate_per_min=100000, worker_enabled=False)
        with database.unit_of_work() as session:
            report = import_articles(session, lines, publish=True)
        print(f"imported {report.inserted} articles ({report.rejected} rejected)", file=sys.stderr)
        with database.unit_of_work(write=False) as session:
            index_for(database, session)
            search(database, session, "预热", today=TODAY)

            def ours(text: str) -> list[str]:
                result, _ = search(database, session, text, today=TODAY, limit=10)
                return [h.doc.external_id for h in result.hits]

            ranked, took, cpu = timed(ours, queries)
        baseline = JiebaBM25(articles)
        base_ranked, base_took, base_cpu = timed(baseline.search, queries)
        figures: dict[str, Any] = {
            "closeloop": {
                **ranking_metrics(ranked, queries),
                "p95_ms": p95(took),
                "cpu_p95_ms": p95(cpu),
            },
            "baseline": {
                **ranking_metrics(base_ranked, queries),
                "p95_ms": p95(base_took),
                "cpu_p95_ms": p95(base_cpu),
            },
        }
        figures["closeloop"].update(bot_outcomes(database, settings, queries))
        database.dispose()
    if args.scale:
        figures["scale"] = scale_run(articles, queries, args.scale)
    print_table(figures, len(articles), sum(1 for q in queries if q["target"]), len(queries))
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, indent=1))


def print_table(figures: dict[str, Any], articles: int, in_scope: int, total: int) -> None:
    ours, base = figures["closeloop"], figures["baseline"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"kb_eval: {articles} articles, {in_scope} in-scope + {total - in_scope} out-of-scope"
        f" (load average {load:.1f} on {os.cpu_count()} cores)"
    )
    print(f"{'':24}{'CloseLoop':>12}{'jieba+BM25':>12}")
    for key in ("recall@1", "recall@5", "mrr"):
        print(f"{key:24}{ours[key]:>12.3f}{base[key]:>12.3f}")
    print(f"{'search p95 (ms)':24}{ours['p95_ms']:>12.2f}{base['p95_ms']:>12.2f}")
    print(f"{'  CPU time p95 (ms)':24}{ours['cpu_p95_ms']:>12.2f}{base['cpu_p95_ms']:>12.2f}")
    for key in ("bot_right", "bot_wrong", "bot_handover", "oos_handover"):
        print(f"{key:24}{ours[key]:>12.3f}{'-':>12}")
    for key in ("bot_clarified", "oos_clarified"):  # of which clarifying questions
        print(f"{key:24}{ours[key]:>12.3f}{'-':>12}")
    scale = figures.get("scale")
    if scale:
        print(f"with {scale['articles']} articles:")
        print(f"{'  search p95 (ms)':24}{scale['p95_ms']:>12.2f}{scale['baseline_p95_ms']:>12.2f}")
        print(
            f"{'  CPU time p95 (ms)':24}{scale['cpu_p95_ms']:>12.2f}"
            f"{scale['baseline_cpu_p95_ms']:>12.2f}"
        )
        print(
            f"  embed {scale['embed_s']:.0f} s once; index build {scale['first_build_s']:.1f} s, "
            f"rebuild from cached parts {scale['rebuild_s']:.1f} s"
        )


if __name__ == "__main__":
    main()
