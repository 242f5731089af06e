"""Knowledge maintenance for editors and approvers (知识维护): drafts, review queue, publishing,
the edit form, workflow buttons and version history with differences."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from closeloop.console import kb_views
from closeloop.console.labels import N_
from closeloop.console.page import Page, PageContext
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import Forbidden
from closeloop.knowledge import service, versions
from closeloop.knowledge.choices import ArticleAction
from closeloop.knowledge.models import Article
from closeloop.knowledge.schemas import ArticleFields, ArticleIn
from closeloop.organisation.models import Category

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form()]
Csrf = Annotated[str, Form(alias=CSRF_FIELD)]
LIST_SIZE = 30
QUICK_ACTIONS = ("submit", "approve", "publish")  # need no note: offered in the lists too
HOME = "/console/knowledge/manage"
SECTIONS = (
    ("my-drafts", N_("My drafts")),
    ("review", N_("Waiting for review")),
    ("approved", N_("Approved, waiting to be published")),
    ("published", N_("Published")),
    ("retired", N_("Retired")),  # editing one makes a new draft: retired is not the end
)


def _needs_editing(page: PageContext) -> None:
    if not (page.actor.can("kb.draft") or page.actor.can("kb.approve")):
        raise Forbidden("permission 'kb.draft' or 'kb.approve' is required")


def _articles(
    session: Session, status: str, *, author: str | None = None, q: str = ""
) -> list[Article]:
    """Articles in one status, most recently changed first."""
    query = select(Article).where(Article.status == status)
    if author:
        query = query.where(or_(Article.created_by == author, Article.updated_by == author))
    if q:
        query = query.where(Article.question.contains(q, autoescape=True))
    return list(session.scalars(query.order_by(Article.updated_at.desc()).limit(LIST_SIZE)))


def _categories(session: Session) -> list[str]:
    return list(session.scalars(select(Category.code).order_by(Category.code)))


def _problems(exc: ValidationError) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc']) or 'form'}: {e['msg'].removeprefix('Value error, ')}"
        for e in exc.errors()
    ]


def _form_page(
    page: PageContext,
    form: dict[str, str],
    *,
    article: Article | None = None,
    problems: list[str] | None = None,
) -> HTMLResponse:
    return page.render(
        "kb_edit.html",
        status_code=422 if problems else 200,
        article=article,
        form=form,
        problems=problems or [],
        categories=_categories(page.session),
    )


def _form_of(article: Article | None) -> dict[str, str]:
    if article is None:
        return kb_views.ArticleForm().typed()
    return {
        "category": article.category,
        "question": article.question,
        "answer": article.answer,
        "similar_questions": "\n".join(article.similar_questions or []),
        "tags": ", ".join(article.tags or []),
        "valid_from": article.valid_from.isoformat() if article.valid_from else "",
        "valid_to": article.valid_to.isoformat() if article.valid_to else "",
        "script": kb_views.script_text(article.script),
    }


@router.get("/console/knowledge/manage", response_class=HTMLResponse)
def manage(page: Page, q: str = "") -> HTMLResponse:
    """My drafts, the review queue, approved articles waiting to be published, published and
    retired ones."""
    _needs_editing(page)
    session, actor = page.session, page.actor
    q = q.strip()[:100]
    return page.render(
        "kb_manage.html",
        q=q,
        list_size=LIST_SIZE,
        sections=[
            (key, title, rows)
            for (key, title), rows in zip(
                SECTIONS,
                (
                    _articles(session, "draft", author=actor.username),
                    _articles(session, "review"),
                    _articles(session, "approved"),
                    _articles(session, "published", q=q),
                    _articles(session, "retired"),
                ),
                strict=True,
            )
        ],
        buttons=lambda a: [
            b
            for b in kb_views.workflow_buttons(actor, a.status, live=a.live_version is not None)
            if b in QUICK_ACTIONS
        ],
    )


@router.get("/console/knowledge/manage/new", response_class=HTMLResponse)
def new_article_form(page: Page) -> HTMLResponse:
    """An empty form for a new draft."""
    page.needs("kb.draft")
    return _form_page(page, _form_of(None))


@router.post("/console/knowledge/manage/new")
def create_draft(page: Page, form: Annotated[kb_views.ArticleForm, Form()]) -> Response:
    """Save a new draft and open it."""
    page.check_csrf(form.csrf_token)
    page.needs("kb.draft")
    problems = form.script_problems()
    try:
        data = ArticleIn.model_validate(form.fields())
    except ValidationError as exc:
        problems = _problems(exc) + problems
    if problems:
        return _form_page(page, form.typed(), problems=problems)
    article = service.create_article(page.session, page.actor, data, clock=page.work.clock)
    return redirect(f"{HOME}/{article.id}?saved=1")


@router.get("/console/knowledge/manage/{article_id}", response_class=HTMLResponse)
def article_for_editing(article_id: str, page: Page) -> HTMLResponse:
    """The working copy, the edit form, the workflow buttons and the version history."""
    _needs_editing(page)
    session, actor, query = page.session, page.actor, page.request.query_params
    article = service.load_article(session, actor, article_id)
    history, pending = versions.changes_per_version(session, article)
    return page.render(
        "kb_article.html",
        article=article,
        form=_form_of(article),
        categories=_categories(session) if actor.can("kb.draft") else [],
        buttons=kb_views.workflow_buttons(
            actor, article.status, live=article.live_version is not None
        ),
        history=history,
        pending=pending,
        diff_lines=kb_views.diff_lines,
        field_labels=kb_views.FIELD_LABELS,
        saved=query.get("saved") == "1",
        done=query.get("done", ""),
    )


@router.post("/console/knowledge/manage/{article_id}")
def save_draft(
    article_id: str, page: Page, form: Annotated[kb_views.ArticleForm, Form()]
) -> Response:
    """Save the working copy (it goes back to draft; the live version keeps answering)."""
    page.check_csrf(form.csrf_token)
    page.needs("kb.draft")
    article = service.load_article(page.session, page.actor, article_id, lock=True)
    problems = form.script_problems()
    try:
        data = ArticleFields.model_validate(form.fields())
    except ValidationError as exc:
        problems = _problems(exc) + problems
    if problems:
        return _form_page(page, form.typed(), article=article, problems=problems)
    service.update_article(
        page.session,
        page.actor,
        article,
        data,
        expected_revision=form.revision,
        clock=page.work.clock,
    )
    return redirect(f"{HOME}/{article.id}?saved=1")


@router.post("/console/knowledge/manage/{article_id}/{action}")
def workflow_step(
    article_id: str,
    action: ArticleAction,
    page: Page,
    csrf_token_: Csrf = "",
    note: Text = "",
    back: Text = "",
) -> Response:
    """One workflow step (the service checks the table and the permission), then back."""
    page.check_csrf(csrf_token_)
    session, actor = page.session, page.actor
    article = service.load_article(session, actor, article_id, lock=True)
    service.act(session, actor, article, action, note=note.strip()[:2000], clock=page.work.clock)
    target = back if back == HOME else f"{HOME}/{article.id}"
    return redirect(f"{target}?done={action}")
