"""Knowledge endpoints (CONTRACT §4): articles and their workflow, versions, search,
suggestions, usage; and the customer-facing self-service chat."""

from __future__ import annotations

from typing import Annotated, Any, get_args

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from closeloop.auth.deps import CurrentActor, require, work_requiring
from closeloop.http.deps import AppClock, AppDatabase, AppSettings, DbSession, writes_on_read
from closeloop.http.etag import IfMatch, parse_if_match, set_etag
from closeloop.http.params import Cursor
from closeloop.kit.actor import Actor
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from closeloop.knowledge import assist, schemas, service, versions
from closeloop.knowledge.bot import chat
from closeloop.knowledge.choices import ArticleAction, ArticleStatus
from closeloop.knowledge.models import Article
from closeloop.knowledge.search.live import search
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/kb", tags=["knowledge"])
assist_router = APIRouter(prefix="/api/v1/assist", tags=["assist"])


def _show(
    response: Response,
    session: DbSession,
    article: Article,
    actor: Actor,
    clock: AppClock,
    settings: AppSettings,
) -> schemas.ArticleOut:
    set_etag(response, article.revision)
    return service.article_out(session, article, actor, clock.local_date(settings.tz))


@router.get("/search", response_model=schemas.SearchOut)
def search_articles(
    q: Annotated[str, Query(min_length=1, max_length=500)],
    session: DbSession,
    database: AppDatabase,
    actor: Annotated[Actor, Depends(require("kb.search"))],
    clock: AppClock,
    settings: AppSettings,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    category: Annotated[str | None, Query(max_length=96)] = None,
) -> schemas.SearchOut:
    """Published, currently valid articles best matching a question (Chinese-aware)."""
    today = clock.local_date(settings.tz)
    result, took = search(database, session, q, today=today, limit=limit, category=category)
    items = [
        schemas.SearchItem(
            id=str(h.doc.article_id),
            external_id=h.doc.external_id,
            question=h.doc.question,
            category=h.doc.category,
            score=round(h.score, 4),
        )
        for h in result.hits
    ]
    return schemas.SearchOut(items=items, took_ms=round(took, 2))


@router.get(
    "/suggest",
    response_model=schemas.SuggestOut,
    responses={404: {"description": "No such ticket, or one the caller may not see"}},
)
@writes_on_read
def suggest(
    work: Annotated[Work, Depends(work_requiring("kb.search"))],
    database: AppDatabase,
    ticket_id: str | None = None,
    q: Annotated[str | None, Query(max_length=2000)] = None,
    category: Annotated[str | None, Query(max_length=96)] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> schemas.SuggestOut:
    """Suggestions for a ticket (`ticket_id`) or for text typed at intake (`q`, `category`);
    none while neither is given."""
    session, actor, clock, today = work.session, work.actor, work.clock, work.today()
    if ticket_id:
        return assist.suggest_for_ticket(
            database, session, actor, ticket_id, today=today, limit=limit, clock=clock
        )
    if not q:  # nothing typed yet: nothing to suggest
        return schemas.SuggestOut(items=[], took_ms=0.0)
    return assist.suggest(
        database, session, actor, q, today=today, category=category, limit=limit, clock=clock
    )


@router.post("/articles", status_code=201, response_model=schemas.ArticleOut)
def create_article(
    body: schemas.ArticleIn,
    response: Response,
    session: DbSession,
    actor: Annotated[Actor, Depends(require("kb.draft"))],
    clock: AppClock,
    settings: AppSettings,
) -> schemas.ArticleOut:
    """A new draft article."""
    article = service.create_article(session, actor, body, clock=clock)
    response.headers["Location"] = f"/api/v1/kb/articles/{article.id}"
    return _show(response, session, article, actor, clock, settings)


@router.get("/articles", response_model=schemas.ArticlePage)
def list_articles(
    session: DbSession,
    actor: CurrentActor,
    clock: AppClock,
    settings: AppSettings,
    status: ArticleStatus | None = None,
    category: Annotated[str | None, Query(max_length=96)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> schemas.ArticlePage:
    """Articles in id order (readers see published ones only)."""
    rows, next_cursor = service.list_articles(
        session, actor, status=status, category=category, cursor=cursor, limit=limit
    )
    today = clock.local_date(settings.tz)
    return schemas.ArticlePage(
        items=[service.article_out(session, a, actor, today) for a in rows],
        next_cursor=next_cursor,
    )


@router.get("/articles/{article_id}", response_model=schemas.ArticleOut)
def get_article(
    article_id: str,
    response: Response,
    session: DbSession,
    actor: CurrentActor,
    clock: AppClock,
    settings: AppSettings,
) -> schemas.ArticleOut:
    """One article (by id or external_id); ETag carries its revision."""
    article = service.load_article(session, actor, article_id)
    return _show(response, session, article, actor, clock, settings)


@router.patch("/articles/{article_id}", response_model=schemas.ArticleOut)
def update_article(
    article_id: str,
    body: schemas.ArticleFields,
    response: Response,
    session: DbSession,
    actor: Annotated[Actor, Depends(require("kb.draft"))],
    clock: AppClock,
    settings: AppSettings,
    if_match: IfMatch = None,
) -> schemas.ArticleOut:
    """Change the working copy (back to draft; the live version keeps answering)."""
    article = service.load_article(session, actor, article_id, lock=True)
    service.update_article(
        session,
        actor,
        article,
        body,
        expected_revision=parse_if_match(if_match, noun="revision"),
        clock=clock,
    )
    return _show(response, session, article, actor, clock, settings)


@router.get("/articles/{article_id}/versions", response_model=list[schemas.VersionOut])
def list_versions(
    article_id: str, session: DbSession, actor: CurrentActor
) -> list[schemas.VersionOut]:
    """Every published version, newest first."""
    article = service.load_article(session, actor, article_id)
    return [
        schemas.VersionOut(
            number=v.number, published_by=v.published_by, published_at=v.published_at, note=v.note
        )
        for v in versions.history(session, article.id)
    ]


@router.get("/articles/{article_id}/versions/{number}", response_model=schemas.VersionOut)
def get_version(
    article_id: str, number: int, session: DbSession, actor: CurrentActor
) -> schemas.VersionOut:
    """One published version with its content."""
    article = service.load_article(session, actor, article_id)
    v = versions.get_version(session, article.id, number)
    return schemas.VersionOut(
        number=v.number,
        published_by=v.published_by,
        published_at=v.published_at,
        note=v.note,
        content=v.content,
    )


@router.get("/articles/{article_id}/diff", response_model=schemas.DiffOut)
def diff_versions(
    article_id: str,
    session: DbSession,
    actor: CurrentActor,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> schemas.DiffOut:
    """What changed from one version to another (or to the working copy)."""
    article = service.load_article(session, actor, article_id)
    return versions.diff(session, article, from_version, to_version)


@router.post("/articles/{article_id}/rollback", response_model=schemas.ArticleOut)
def rollback(
    article_id: str,
    body: schemas.RollbackBody,
    response: Response,
    session: DbSession,
    actor: Annotated[Actor, Depends(require("kb.publish"))],
    clock: AppClock,
    settings: AppSettings,
) -> schemas.ArticleOut:
    """Publish an earlier version's content again, as a new version."""
    article = service.load_article(session, actor, article_id, lock=True)
    versions.rollback(session, actor, article, body.version, note=body.note, clock=clock)
    return _show(response, session, article, actor, clock, settings)


@router.post("/articles/{article_id}/use", status_code=204)
def use_answer(
    article_id: str,
    body: schemas.UseBody,
    session: DbSession,
    actor: Annotated[Actor, Depends(require("kb.use"))],
    clock: AppClock,
) -> Response:
    """Record "use this answer" in a ticket."""
    article = service.load_article(session, actor, article_id)
    assist.use_in_ticket(session, actor, article, body.ticket_id, clock=clock)
    return Response(status_code=204)


@router.post("/articles/{article_id}/feedback", status_code=204)
def rate_article(
    article_id: str,
    body: schemas.FeedbackBody,
    session: DbSession,
    actor: Annotated[Actor, Depends(require("kb.feedback"))],
    clock: AppClock,
) -> Response:
    """Helpful or not, from an agent."""
    article = service.load_article(session, actor, article_id)
    assist.feedback(session, actor, article, body.helpful, body.comment, clock=clock)
    return Response(status_code=204)


def _workflow_route(action: ArticleAction) -> None:
    """POST /articles/{id}/<action>: one route per action, so another word after the article
    is no route at all (405 for the methods of the paths beside it, 404 otherwise)."""

    def workflow_action(
        article_id: str,
        response: Response,
        session: DbSession,
        actor: CurrentActor,
        clock: AppClock,
        settings: AppSettings,
        body: Annotated[schemas.NoteBody | None, Body()] = None,
    ) -> schemas.ArticleOut:
        article = service.load_article(session, actor, article_id, lock=True)
        service.act(session, actor, article, action, note=body.note if body else "", clock=clock)
        return _show(response, session, article, actor, clock, settings)

    workflow_action.__name__ = f"{action}_article"
    router.add_api_route(
        f"/articles/{{article_id}}/{action}",
        workflow_action,
        methods=["POST"],
        response_model=schemas.ArticleOut,
        summary=f"Workflow step: {action}",
        description="One workflow step; 409 with the allowed actions when not possible now.",
    )


for _action in get_args(ArticleAction):
    _workflow_route(_action)


_THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {"description": "Too many messages from this address; see Retry-After"}
}


@assist_router.post("/chat", response_model=schemas.ChatOut, responses=_THROTTLED)
def chat_message(
    body: schemas.ChatIn,
    request: Request,
    session: DbSession,
    database: AppDatabase,
    clock: AppClock,
    settings: AppSettings,
) -> schemas.ChatOut:
    """Self-service chat for customers (no sign-in; rate-limited per client address)."""
    address = request.client.host if request.client else None
    return chat.converse(database, session, body, settings=settings, address=address, clock=clock)


@assist_router.post("/feedback", status_code=204, responses=_THROTTLED)
def chat_feedback(
    body: schemas.ChatFeedbackIn,
    request: Request,
    session: DbSession,
    clock: AppClock,
    settings: AppSettings,
) -> Response:
    """A bot user says whether the last answer helped."""
    address = request.client.host if request.client else None
    chat.check_rate(session, address, settings.chat_rate_per_min, clock)
    chat.rate_answer(session, body.session_id, body.helpful, clock)
    return Response(status_code=204)
