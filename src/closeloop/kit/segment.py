"""Chinese word segmentation (rjieba, with jieba as the fallback) and search terms."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_PUNCT = re.compile(r"^[\W_]+$")

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "这",
        "那",
        "这个",
        "那个",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "为什么",
        "什么",
        "请问",
        "请",
        "一下",
        "还是",
        "就",
        "都",
        "也",
        "很",
        "又",
        "有",
        "没有",
        "能",
        "可以",
        "会",
        "要",
        "想",
        "给",
        "把",
        "被",
        "让",
        "对",
        "从",
        "到",
        "上",
        "下",
        "里",
        "中",
        "啥",
    ]
)


@lru_cache(maxsize=1)
def _cutters() -> tuple[Callable[[str], list[str]], Callable[[str], list[str]]]:
    try:
        import rjieba

        return rjieba.cut, rjieba.cut_for_search
    except ImportError:  # pragma: no cover - rjieba ships wheels for common platforms
        import jieba  # type: ignore[import-untyped]

        return (lambda t: list(jieba.cut(t))), (lambda t: list(jieba.cut_for_search(t)))


def _clean(words: list[str]) -> list[str]:
    return [w.strip() for w in words if w.strip() and not _PUNCT.match(w.strip())]


def segment(text: str) -> list[str]:
    """The words of a text, in order (punctuation and spaces dropped)."""
    return _clean(_cutters()[0](text))


def search_terms(text: str) -> list[str]:
    """The smallest meaningful words of a query (手机信号 → 手机, 信号), stop words dropped."""
    words = [w.lower() for w in _clean(_cutters()[1](text)) if w not in STOPWORDS]
    distinct = list(dict.fromkeys(words))
    return [w for w in distinct if not any(o != w and o in w for o in distinct)]
