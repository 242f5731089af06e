"""Agent assist (坐席辅助): article suggestions for a ticket or for text typed at intake.

A ticket's title and description are the query; articles in the ticket's own category
(same second level, then same top level) get a small boost, since the front line chose
that category knowingly. Suggestions shown are counted; "use this answer" is recorded
against the ticket.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.knowledge import script as scripts
from closeloop.knowledge.models import Article
from closeloop.knowledge.render import markdown_html
from closeloop.knowledge.schemas import SuggestItem, SuggestOut
from closeloop.knowledge.search.index import Hit
from closeloop.knowledge.search.live import index_for
from closeloop.knowledge.service import count_usage

SAME_GROUP_BONUS = 0.10  # same category down to the second level (signal/indoor)
SAME_TOP_BONUS = 0.04  # same top-level category (signal)


def _bonus(article_category: str, ticket_category: str | None) -> float:
    if not ticket_category:
        return 0.0
    mine, theirs = article_category.split("/"), ticket_category.split("/")
    if mine[:2] == theirs[:2] and len(mine) > 1:
        return SAME_GROUP_BONUS
    return SAME_TOP_BONUS if mine[0] == theirs[0] else 0.0


def suggest(
    database: Database,
    session: Session,
    actor: Actor,
    text: str,
    *,
    today: date,
    category: str | None = None,
    limit: int = 5,
    clock: Clock = system_clock,
) -> SuggestOut:
    """The articles an agent most likely needs for this text (and ticket category)."""
    actor.require("kb.search")
    started = time.perf_counter()
    index = index_for(database, session)
    hits: list[Hit] = []
    if text.strip():
        hits = index.search(text, today=today, limit=max(limit * 3, 10)).hits
    ranked = sorted(hits, key=lambda h: -(h.score + _bonus(h.doc.category, category)))[:limit]
    items = [
        SuggestItem(
            id=str(h.doc.article_id),
            external_id=h.doc.external_id,
            question=h.doc.question,
            category=h.doc.category,
            score=round(h.score + _bonus(h.doc.category, category), 4),
            answer=h.doc.answer,
            answer_html=markdown_html(h.doc.answer),
            script_outline=scripts.outline(h.doc.script) if h.doc.script else [],
        )
        for h in ranked
    ]
    count_usage(session, [h.doc.article_id for h in ranked], "shown", actor.username, clock.now())
    return SuggestOut(items=items, took_ms=round((time.perf_counter() - started) * 1000, 2))


def suggest_for_ticket(
    database: Database,
    session: Session,
    actor: Actor,
    ticket_id: str,
    *,
    today: date,
    limit: int = 5,
    clock: Clock = system_clock,
) -> SuggestOut:
    """Suggestions from a ticket's title, description and category (a ticket the actor sees)."""
    from closeloop.tickets.service import load_ticket

    actor.require("kb.search")
    ticket = load_ticket(session, actor, ticket_id)
    text = f"{ticket.title}\n{ticket.description}"
    return suggest(
        database,
        session,
        actor,
        text,
        today=today,
        category=ticket.category,
        limit=limit,
        clock=clock,
    )


def use_in_ticket(
    session: Session, actor: Actor, article: Article, ticket_id: str, *, clock: Clock = system_clock
) -> None:
    """Record that the article's answer was used in a ticket (使用此答案), audited."""
    from closeloop.tickets.service import load_ticket

    actor.require("kb.use")
    ticket = load_ticket(session, actor, ticket_id)
    count_usage(session, [article.id], "used", actor.username, clock.now(), ticket_id=ticket.id)
    audit.record(
        session,
        actor,
        "kb.use",
        "kb_article",
        article.id,
        f"{article.external_id} used in ticket {ticket.number}",
        clock=clock,
    )


def feedback(
    session: Session,
    actor: Actor,
    article: Article,
    helpful: bool,
    comment: str = "",
    *,
    clock: Clock = system_clock,
) -> None:
    """An agent rates an article helpful or not."""
    actor.require("kb.feedback")
    kind = "helpful_agent" if helpful else "not_helpful_agent"
    count_usage(session, [article.id], kind, actor.username, clock.now(), comment=comment)
