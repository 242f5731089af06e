"""Is this a question the FAQ answers at all? (范围判断) — pure, no database, no I/O.

The bot makes two decisions: whether a message is in scope of the FAQ, and which article
answers it. The answer model (`decisions.confidence`) says how likely the best article is
right; this one says how likely the message is one the FAQ answers, whichever article. When
it is likely but the best article is not clearly ahead, the bot asks "您是想问…" with the
menu instead of handing over (`decisions.decide`).

Its features do not depend on one FAQ's score scale:
- `answer_rel`, `either_rel`: the log-odds of the answer and menu models minus the FAQ's own
  `Level` (how confident they are on the shipped out-of-scope messages asked of this FAQ);
- `coverage`, `lexical_gap`, `topic_closeness`: how much of the message the best article
  holds, how clearly the lexical ranking picks it, how close the message is to a known topic;
- `agree`: the lexical and the semantic ranking put the same article first;
- `concept`: the message names a telecom concept of the project's lexicon.
A logistic model over them and their pairwise products (held within the ranges seen) is
fitted by `bot.calibrate` on the demo FAQ only (its customer messages against out-of-scope
lines and questions whose article was left out) and kept with the other models in
`knowledge/data/bot_confidence.txt` (`scope` lines, `threshold scope`).
"""

from __future__ import annotations

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.search import lexicon

FEATURES = (
    "answer_rel",
    "either_rel",
    "coverage",
    "agree",
    "lexical_gap",
    "topic_closeness",
    "concept",
)
NO_MENU = -10.0  # either_rel of a message with a single candidate (no menu to offer)


def agreement(evidence: bot.Evidence) -> float:
    """1 when the best candidate is also first by the lexical and by the semantic score."""
    found = evidence.candidates
    if not found:
        return 0.0
    semantic = max(found, key=lambda c: c.semantic)
    lexical = max(found, key=lambda c: c.lexical)
    return float(semantic.external_id == lexical.external_id == found[0].external_id)


def names_concept(message: str) -> float:
    """1 when the message names a concept of the telecom lexicon (话费, 流量, 宽带 …)."""
    return float(any(term.startswith("@") for term in lexicon.terms(message)))


def features(
    message: str, evidence: bot.Evidence, level: bot.Level, shipped: bot.Calibration
) -> dict[str, float]:
    """The in-scope features of a message (empty without candidates)."""
    values = bot.features(evidence)
    if not values:
        return {}
    values.update(agree=agreement(evidence), concept=names_concept(message))
    return relative(values, level, shipped, menu=len(evidence.candidates) > 1)


def relative(
    values: dict[str, float], level: bot.Level, shipped: bot.Calibration, *, menu: bool = True
) -> dict[str, float]:
    """The in-scope features from the ranking features (`decisions.features`, with `agree`
    and `concept` added): the models' log-odds taken relative to the FAQ's level."""
    held = shipped.held(values)
    either = bot.log_odds(shipped.either, held) - level.either if menu else NO_MENU
    return {
        "answer_rel": bot.log_odds(shipped.answer, held) - level.answer,
        "either_rel": either,
        **{name: values.get(name, 0.0) for name in FEATURES[2:]},
    }


def in_scope(
    message: str, evidence: bot.Evidence, level: bot.Level | None, shipped: bot.Calibration
) -> float:
    """The chance that the FAQ answers the message (0 when the calibration has no scope
    model or no level is known, so the bot decides as without it)."""
    seen = level or shipped.reference
    if not shipped.scope or seen is None:
        return 0.0
    values = features(message, evidence, seen, shipped)
    if not values:
        return 0.0
    return bot.chance(shipped.scope, shipped.held(values))
