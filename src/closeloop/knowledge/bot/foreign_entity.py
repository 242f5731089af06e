"""Another service's account or card (他方业务识别) — a pure rule over words, no I/O.

Customers ask a telecom bot about things that look like its own: "燃气卡怎么充值", "我的QQ密码
忘了", "打车软件多扣了我钱". The search finds a card, password or app article with high
confidence, but the card, password or app belongs to another service. The sign is in the words:
a generic head noun (卡, 密码, 账号, 账户, 软件…) qualified by a modifier that names something
the operator's own FAQ never speaks of.

`foreign_modifiers(message, known)` segments the message with jieba's dictionary and
part-of-speech tags (through rjieba, which ships it), finds each head noun and the word
qualifying it (the word before it, "的" allowed between; or the front of a compound such as
社保卡), and returns
the modifiers that are nouns, names or Latin-letter words (POS from jieba's dictionary),
at least two characters long, and absent from `known`: the text of the FAQ's own articles
and the project's telecom lexicon (`Vocabulary`). Nothing about other services is listed here;
what counts as foreign is whatever this FAQ does not speak of, so it adapts to any operator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Generic nouns for something a customer holds with a service: what is qualified, not who.
HEADS = frozenset({"卡", "密码", "账号", "账户", "帐号", "帐户", "软件", "app", "会员"})
# jieba POS tags of a word that can name a service or an organisation: nouns (n), other
# proper nouns (nz), organisations (nt), abbreviations (j), Latin-letter words (eng).
# Chosen on the demo FAQ's customer messages and out-of-scope lines (`calibrate` data).
MODIFIER_TAGS = frozenset({"n", "nz", "nt", "j", "eng"})
# A head counts when tagged as a noun (not 卡 as in "卡住"), and a compound such as 社保卡
# only when a noun of jieba's dictionary: its HMM's guesses (那张小卡 read as a name, 战就卡)
# are not words.
HEAD_TAGS = frozenset({"n", "eng"})
COMPOUND_TAGS = frozenset({"n", "nr", "nz", "nt", "j"})
# A modifier that starts with a number says how many, not whose (六位数密码).
NUMERAL = frozenset("0123456789〇零一二两三四五六七八九十百千万")
LINK = "的"
MIN_LENGTH = 2


@dataclass(frozen=True)
class Vocabulary:
    """What a FAQ speaks of: the joined text of its articles and the telecom lexicon's words."""

    text: str

    @classmethod
    def of(cls, texts: Iterable[str]) -> Vocabulary:
        """From the FAQ's texts (questions, similar questions, tags, answers, lexicon words)."""
        return cls("\n".join(t.lower() for t in texts))

    def knows(self, word: str) -> bool:
        """The word occurs somewhere in the FAQ."""
        return word.lower() in self.text


class Tagger:
    """jieba's dictionary and POS tags, through rjieba (the segmenter search uses)."""

    def __init__(self) -> None:
        import rjieba

        self._engine = rjieba.Jieba()

    def tag(self, message: str) -> list[tuple[str, str]]:
        """The message's words with their POS tags (unknown words guessed by jieba's HMM)."""
        return [(w, f) for w, f in self._engine.tag(message, True) if w.strip()]

    def in_dictionary(self, word: str) -> bool:
        """The word is in jieba's dictionary (not a guess of its HMM)."""
        return bool(self._engine.has_word(word))


@lru_cache(maxsize=1)
def tagger() -> Tagger:
    """The process-wide tagger."""
    return Tagger()


def tagged(message: str) -> list[tuple[str, str]]:
    """The message's words with their jieba POS tags."""
    return tagger().tag(message)


def _head_split(word: str) -> tuple[str, str] | None:
    """A compound ending in a head noun, split into (front, head): 社保卡 → (社保, 卡)."""
    low = word.lower()
    for head in sorted(HEADS, key=len, reverse=True):
        if low.endswith(head) and len(low) > len(head):
            return word[: -len(head)], head
    return None


def modifiers(words: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (modifier, POS) pairs qualifying a head noun in the tagged words."""
    found: list[tuple[str, str]] = []
    for i, (word, flag) in enumerate(words):
        if word.lower() in HEADS and flag in HEAD_TAGS:
            j = i - 1
            if j >= 0 and words[j][0] == LINK:
                j -= 1
            if j >= 0:
                found.append(words[j])
        elif (
            flag in COMPOUND_TAGS
            and (split := _head_split(word)) is not None
            and tagger().in_dictionary(word)
        ):
            found.append((split[0], "n"))
    return found


def foreign_modifiers(message: str, known: Vocabulary) -> list[str]:
    """The words qualifying a card, password, account or app in the message that name
    something the FAQ never speaks of (empty when there are none)."""
    found = [
        word
        for word, flag in modifiers(tagged(message))
        if flag in MODIFIER_TAGS
        and len(word) >= MIN_LENGTH
        and word[0] not in NUMERAL
        and word.lower() not in HEADS
        and not known.knows(word)
    ]
    return list(dict.fromkeys(found))
