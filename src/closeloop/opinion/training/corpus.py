"""The training corpus (训练语料): generated posts plus the hand-written ones, as `Example`s."""

from __future__ import annotations

import json
from pathlib import Path

from closeloop.opinion.training.example import Example
from closeloop.opinion.training.generator import generate

HANDWRITTEN = Path(__file__).with_name("handwritten.tsv")
GENERATED = 7500
# hand-written posts are fewer and richer: each counts this many times
HANDWRITTEN_REPEAT = 3


def handwritten(path: Path = HANDWRITTEN) -> list[Example]:
    """The hand-written posts: `sentiment, complaint, category, urgent, text` tab-separated."""
    out: list[Example] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sentiment, complaint, category, urgent, text = line.split("\t", 4)
        out.append(Example(text, sentiment, complaint == "1", category, urgent == "1"))
    return out


def corpus(generated: int = GENERATED, seed: int = 22) -> list[Example]:
    """Everything the shipped model is trained on."""
    return generate(generated, seed) + handwritten() * HANDWRITTEN_REPEAT


# the labelled development posts weigh this many times when the shipped model trains on them
DEV_REPEAT = 3


def read_posts(path: Path) -> list[Example]:
    """Labelled posts from a JSONL file in the dev set's format."""
    out: list[Example] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(
                Example(
                    row["text"],
                    row["sentiment"],
                    bool(row["complaint"]),
                    row["category"],
                    bool(row["urgent"]),
                )
            )
    return out
