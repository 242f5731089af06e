"""Building the shipped model (构建模型): own corpus plus, when given, the labelled dev posts."""

from __future__ import annotations

from pathlib import Path

from closeloop.opinion.classifier import MODEL_PATH, Classifier
from closeloop.opinion.training.corpus import DEV_REPEAT, corpus, read_posts
from closeloop.opinion.training.fit import fit


def build(dev: Path | None = None, out: Path = MODEL_PATH) -> tuple[Classifier, int]:
    """Train on the project's corpus (and `dev` if given), save to `out`; the model and its size."""
    examples = corpus()
    if dev is not None:
        examples += read_posts(dev) * DEV_REPEAT
    model = fit(examples)
    model.save(out)
    return model, len(examples)
