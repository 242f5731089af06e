"""Knowledge pages for agents (知识库): search with highlighted matches, an article with its
script walked step by step, and helpful / not helpful feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy import select

from closeloop.console import kb_views
from closeloop.console.page import Page
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.segment import search_terms
from closeloop.knowledge import assist, service
from closeloop.knowledge.render import plain_text
from closeloop.knowledge.search.live import search
from closeloop.organisation.models import Category

router = APIRouter(include_in_schema=False)

RESULTS = 10
QUERY_LIMIT = 500


@dataclass(frozen=True)
class Found:
    """One search result as the page lists it."""

    id: int
    external_id: str
    question: Markup
    snippet: Markup
    category: str


@router.get("/console/knowledge", response_class=HTMLResponse)
def knowledge_search(page: Page, q: str = "", category: str = "") -> HTMLResponse:
    """Published, currently valid articles for a question, the query's words marked."""
    page.needs("kb.search")
    q, category = q.strip()[:QUERY_LIMIT], category.strip()[:96]
    found: list[Found] = []
    if q:
        result, _took = search(
            page.database,
            page.session,
            q,
            today=page.work.today(),
            limit=RESULTS,
            category=category or None,
        )
        terms = search_terms(q)
        found = [
            Found(
                id=h.doc.article_id,
                external_id=h.doc.external_id,
                question=kb_views.highlight(h.doc.question, terms),
                snippet=kb_views.highlight(
                    kb_views.snippet(plain_text(h.doc.answer), terms), terms
                ),
                category=h.doc.category,
            )
            for h in result.hits
        ]
    top_level = page.session.execute(
        select(Category.code, Category.name).where(Category.level == 1).order_by(Category.code)
    ).all()
    return page.render(
        "knowledge_search.html",
        q=q,
        category=category,
        categories=[(code, name) for code, name in top_level],
        found=found,
    )


@router.get("/console/knowledge/{article_id}", response_class=HTMLResponse)
def article_page(article_id: str, page: Page, step: str = "", path: str = "") -> HTMLResponse:
    """The article's answer and its script, one step at a time (`?step=` links, no script)."""
    page.needs("kb.read")
    article = service.load_article(page.session, page.actor, article_id)
    shown = service.article_out(page.session, article, page.actor, page.work.today())
    return page.render(
        "knowledge_article.html",
        article=shown,
        answer_html=Markup(shown.answer_html),  # rendered safely: raw HTML in answers is escaped
        walk=kb_views.walk(shown.script, path, step) if shown.script else None,
        rated=page.request.query_params.get("rated") == "1",
    )


@router.post("/console/knowledge/{article_id}/feedback")
def rate_article(
    article_id: str,
    page: Page,
    helpful: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    """Helpful or not helpful, from an agent; back to the article with a thank-you."""
    page.check_csrf(csrf_token_)
    article = service.load_article(page.session, page.actor, article_id)
    assist.feedback(
        page.session,
        page.actor,
        article,
        helpful == "yes",
        comment.strip()[:1000],
        clock=page.work.clock,
    )
    return redirect(f"/console/knowledge/{article.id}?rated=1")
