"""The words a live FAQ speaks of (FAQ词汇), for `foreign_entity`: kept per index."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from closeloop.knowledge.bot.foreign_entity import Vocabulary
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex

_known: weakref.WeakKeyDictionary[KnowledgeIndex, Vocabulary] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


@lru_cache(maxsize=1)
def lexicon_words() -> tuple[str, ...]:
    """The project's telecom lexicon (`data/telecom_words.txt`, `data/synonyms.txt`)."""
    data = resources.files("closeloop.knowledge").joinpath("data")
    lines: list[str] = []
    for name in ("telecom_words.txt", "synonyms.txt"):
        text = data.joinpath(name).read_text("utf-8")
        lines += [line for line in text.splitlines() if not line.startswith("#")]
    return tuple(lines)


def vocabulary(docs: Iterable[IndexDoc]) -> Vocabulary:
    """The text of the articles (category, question, similar questions, tags, answer) and the
    telecom lexicon."""
    texts = list(lexicon_words())
    for doc in docs:
        texts += [doc.category, doc.question, doc.answer, *doc.similar, *doc.tags]
    return Vocabulary.of(texts)


def vocabulary_of(index: KnowledgeIndex) -> Vocabulary:
    """The text of the index's articles and the telecom lexicon (built once per index)."""
    with _lock:
        known = _known.get(index)
    if known is not None:
        return known
    found = vocabulary(index.docs)
    with _lock:
        _known[index] = found
    return found
