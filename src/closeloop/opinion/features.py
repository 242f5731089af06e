"""The features of a post (特征): normalised text → character 1–3-grams plus cue tokens.

Pure and shared by training and classifying, so both always see the same tokens.
"""

from __future__ import annotations

import re
import unicodedata

from closeloop.kit.segment import segment
from closeloop.opinion.lexicon import cues

MAX_N = 3
_SPACE = re.compile(r"\s+")
_REPEAT = re.compile(r"([!?。.~])\1{3,}")


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, one space, long runs of a mark cut to four."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _SPACE.sub(" ", text).strip()
    return _REPEAT.sub(lambda m: m.group(1) * 4, text)


def tokens(text: str) -> list[str]:
    """Every character n-gram (1 to 3) of the normalised post, its words, its cue tokens."""
    clean = normalise(text)
    out: list[str] = []
    for n in range(1, MAX_N + 1):
        out.extend(clean[i : i + n] for i in range(len(clean) - n + 1))
    out.extend(f"w:{w}" for w in segment(clean) if len(w) > 1)
    out.extend(cues(clean))
    return out
