"""What the bot sees of a search result (检索证据)."""

from __future__ import annotations

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.search.index import Result


def evidence(result: Result) -> bot.Evidence:
    """What the bot sees of a search result."""
    return bot.Evidence(
        candidates=[
            bot.Candidate(
                h.doc.external_id,
                h.doc.question,
                h.score,
                h.semantic,
                h.lexical,
                h.doc.category,
                len(h.doc.questions),
            )
            for h in result.hits
        ],
        semantic_gap=result.semantic_gap,
        topic_gap=result.topic_gap,
        topic_closeness=result.topic_closeness,
        lexical_gap=result.lexical_gap,
        coverage=result.coverage,
        familiar=result.familiar,
    )
