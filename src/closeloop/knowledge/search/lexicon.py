"""Telecom lexicon for Chinese search (电信词典): segmentation, synonyms, typo tolerance.

- Words come from rjieba (jieba as the fallback) with the telecom words of `data/` added.
- Synonym groups (`data/synonyms.txt`) turn the many ways customers say a thing into one
  concept token (`@流量` for 流量/数据/移动数据 …), on articles and queries alike.
- Typing slips that sound the same (彩玲 for 彩铃, 流浪 for 流量) are recognised through
  pinyin against the lexicon, so a misspelt query still reaches its concept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from closeloop.kit.segment import STOPWORDS

CONCEPT = "@"
_PUNCT = re.compile(r"^[\W_]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Fillers customers add that carry no topic (on top of the platform's stop words).
EXTRA_STOPWORDS = frozenset(
    [
        "咋",
        "咋整",
        "咋办",
        "怎么弄",
        "怎么搞",
        "怎么回事",
        "嘛",
        "哦",
        "呗",
        "么",
        "个",
        "一个",
        "一直",
        "老是",
        "总是",
        "为啥",
        "干嘛",
        "能不能",
        "是不是",
        "有没有",
        "帮",
        "帮我",
        "我的",
        "您",
        "您好",
        "你好",
        "麻烦",
        "谢谢",
        "一些",
        "得",
        "地",
        "着",
        "过",
        "时候",
        "的时候",
        "现在",
        "刚",
        "刚才",
        "已经",
        "还",
        "再",
        "但是",
        "但",
        "可是",
        "就是",
        "然后",
        "所以",
        "因为",
        "这样",
        "那样",
        "这边",
        "那边",
        "他们",
        "自己",
        "东西",
        "事情",
        "问题",
        "情况",
        "怎么样",
        "可能",
        "应该",
        "需要",
        "还有",
        "以后",
        "之后",
        "之前",
        "以前",
        "好像",
        "感觉",
        "觉得",
        "知道",
    ]
)


def normalize(text: str) -> str:
    """Lower case, half-width letters and digits (ＡＢＣ１ → abc1), trimmed."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def _data_lines(name: str) -> Iterable[str]:
    text = resources.files("closeloop.knowledge").joinpath("data").joinpath(name).read_text("utf-8")
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


@dataclass
class Lexicon:
    """Synonym groups and telecom words, loaded once per process."""

    variants: dict[str, dict[str, float]] = field(default_factory=dict)
    lengths_by_first: dict[str, list[int]] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    by_pinyin: dict[tuple[str, ...], dict[str, float]] = field(default_factory=dict)
    pinyin_by_first: dict[str, list[tuple[tuple[str, ...], dict[str, float]]]] = field(
        default_factory=dict
    )

    def add_group(self, members: list[str], weight: float) -> None:
        """One synonym group: every member maps to the first member's concept."""
        concept = members[0]
        for member in members:
            found = self.variants.setdefault(member, {})
            found[concept] = max(found.get(concept, 0.0), weight)

    def finish(self, pinyin: Callable[[str], list[str]] | None) -> None:
        """Index variants by first character and by pinyin (for typo tolerance)."""
        lengths: dict[str, set[int]] = {}
        for variant, concepts in self.variants.items():
            lengths.setdefault(variant[0], set()).add(len(variant))
            if pinyin and 2 <= len(variant) <= 4 and all(_CJK.match(c) for c in variant):
                key = tuple(pinyin(variant))
                self.pinyin_by_first.setdefault(variant[0], []).append((key, concepts))
                slot = self.by_pinyin.setdefault(key, {})
                for concept, weight in concepts.items():
                    slot[concept] = max(slot.get(concept, 0.0), weight)
        self.lengths_by_first = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}


@lru_cache(maxsize=1)
def _pinyin() -> Callable[[str], list[str]] | None:
    try:
        from pypinyin import lazy_pinyin
    except ImportError:  # pragma: no cover - typo tolerance is optional
        return None
    return lazy_pinyin


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The telecom lexicon of `data/synonyms.txt` and `data/telecom_words.txt`."""
    lex = Lexicon()
    for line in _data_lines("synonyms.txt"):
        weight = 0.5 if line.startswith("~") else 1.0
        members = [normalize(m) for m in line.lstrip("~").split()]
        if len(members) >= 2:
            lex.add_group(list(dict.fromkeys(members)), weight)
    lex.words = {normalize(w) for w in _data_lines("telecom_words.txt")}
    lex.words |= {v for v in lex.variants if len(v) >= 2}
    lex.finish(_pinyin())
    return lex


class Segmenter:
    """rjieba with the telecom words added (jieba when rjieba is missing)."""

    def __init__(self, words: Iterable[str]) -> None:
        try:
            import rjieba

            engine = rjieba.Jieba()
            for word in words:
                engine.add_word(word, 3000, None)
            self._cut: Callable[[str], list[str]] = engine.cut_for_search
        except ImportError:  # pragma: no cover - rjieba ships wheels for common platforms
            import jieba  # type: ignore[import-untyped]

            tokenizer = jieba.Tokenizer()
            for word in words:
                tokenizer.add_word(word, 3000)
            self._cut = lambda text: list(tokenizer.cut_for_search(text))

    def words(self, text: str) -> list[str]:
        """The search words of normalised text: stop words and punctuation dropped."""
        return [
            w
            for w in (w.strip() for w in self._cut(text))
            if w and not _PUNCT.match(w) and w not in STOPWORDS and w not in EXTRA_STOPWORDS
        ]


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    """The process-wide segmenter."""
    return Segmenter(sorted(lexicon().words))


def concepts(text: str, lex: Lexicon | None = None) -> dict[str, float]:
    """The synonym concepts named anywhere in normalised text (overlaps included)."""
    lex = lex or lexicon()
    found: dict[str, float] = {}
    n = len(text)
    for i, char in enumerate(text):
        for length in lex.lengths_by_first.get(char, ()):
            if i + length <= n:
                hit = lex.variants.get(text[i : i + length])
                if hit:
                    for concept, weight in hit.items():
                        found[concept] = max(found.get(concept, 0.0), weight)
    return found


def canonical(text: str, lex: Lexicon | None = None) -> str:
    """Normalised text with each synonym replaced by its concept's name (longest variant
    first; single characters such as 猫 and related-term groups left alone), so a sentence
    encoder that never learnt the telecom synonyms reads 流量 where the customer wrote 移动数据."""
    lex = lex or lexicon()
    text = normalize(text)
    out, i = [], 0
    while i < len(text):
        for length in lex.lengths_by_first.get(text[i], ()):
            hit = lex.variants.get(text[i : i + length]) if length > 1 else None
            named = [concept for concept, weight in (hit or {}).items() if weight >= 1.0]
            if named:
                out.append(named[0])
                i += length
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=8192)
def _syllable(char: str) -> str:
    """The (most common) pinyin of one character, cached."""
    pinyin = _pinyin()
    return pinyin(char)[0] if pinyin else char


def _close_syllable(a: str, b: str) -> bool:
    """Syllables a typist confuses: the same but for one letter (lang/liang, lin/ling)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or a[0] != b[0]:
        return False
    longer, shorter = (a, b) if len(a) >= len(b) else (b, a)
    if len(longer) == len(shorter):
        return sum(x != y for x, y in zip(longer, shorter, strict=True)) == 1
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def sound_alike_concepts(
    text: str, known: Container[str] = frozenset(), lex: Lexicon | None = None
) -> dict[str, float]:
    """Concepts reached through pinyin when the characters were mistyped (at 0.8 weight).

    A window that is itself a known word of the knowledge base (信号) is taken as typed, so
    only words the articles never use (流浪, 彩玲) are read for their sound.
    """
    lex = lex or lexicon()
    pinyin = _pinyin()
    if pinyin is None or not lex.by_pinyin:
        return {}
    chars = [c for c in text if _CJK.match(c)]
    if len(chars) < 2:
        return {}
    syllables = [_syllable(c) for c in chars]
    found: dict[str, float] = {}
    for size in (2, 3, 4):
        for i in range(len(chars) - size + 1):
            window = "".join(chars[i : i + size])
            if window in lex.variants or window in known:
                continue
            key = tuple(syllables[i : i + size])
            hit = lex.by_pinyin.get(key) or _near_pinyin(lex, key, chars[i])
            for concept, weight in (hit or {}).items():
                found[concept] = max(found.get(concept, 0.0), 0.8 * weight)
    return found


def _near_pinyin(lex: Lexicon, key: tuple[str, ...], first_char: str) -> dict[str, float] | None:
    """A variant whose pinyin differs in one letter of one syllable and shares the first char."""
    for other, found in lex.pinyin_by_first.get(first_char, ()):
        if len(other) != len(key):
            continue
        differing = [(a, b) for a, b in zip(key, other, strict=True) if a != b]
        if len(differing) == 1 and _close_syllable(*differing[0]):
            return found
    return None


def terms(text: str, *, known: Container[str] | None = None) -> Counter[str]:
    """Search terms of a text: its words plus its concepts (`@concept`), with weights.

    Give `known` (the words of the indexed articles) for a query: typos are then looked for.
    """
    norm = normalize(text)
    words = segmenter().words(norm)
    counts: Counter[str] = Counter(words)
    found = concepts(norm)
    # Only a query with a word the articles never use can hide a typo.
    if known is not None and any(w not in known and _CJK.match(w) for w in words):
        for concept, weight in sound_alike_concepts(norm, known).items():
            found.setdefault(concept, weight)
    for concept, weight in found.items():
        counts[CONCEPT + concept] += weight  # type: ignore[assignment,unused-ignore]
    return counts
