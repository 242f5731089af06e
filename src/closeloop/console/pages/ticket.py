"""The ticket page (工单详情): the ticket, its timeline, the customer, knowledge suggestions,
and one form per action the user may take now."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from closeloop.console import forms, problem_views
from closeloop.console.customer_panel import customer_panel
from closeloop.console.page import Page, PageContext
from closeloop.console.pages import ticket_mail
from closeloop.console.ticket_view import possible_duplicate, ticket_view
from closeloop.console.web import redirect
from closeloop.customers.service import get_customer
from closeloop.http.deps import writes_on_read
from closeloop.kit.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from closeloop.knowledge import assist
from closeloop.knowledge import service as knowledge
from closeloop.knowledge.schemas import SuggestItem
from closeloop.tickets import appointments
from closeloop.tickets.actions import HANDLERS, perform
from closeloop.tickets.service import load_ticket

router = APIRouter(include_in_schema=False)


@dataclass
class Outcome:
    """How the page answers a form: a notice, a stale form, refused fields, what was typed."""

    notice: str | None = None  # the action just done ("create" after intake)
    created: bool = False
    used: str | None = None  # the article whose answer was used
    stale_seen: int | None = None  # history entries the stale form had seen
    problem: str | None = None  # a rule refused the action (409)
    action: str | None = None  # the form the rest applies to
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, Any] = field(default_factory=dict)


def _page(page: PageContext, ticket_id: int, outcome: Outcome, status: int = 200) -> HTMLResponse:
    session, actor, work = page.session, page.actor, page.work
    view = ticket_view(session, actor, str(ticket_id), work.now(), page.language)
    customer = get_customer(session, actor, str(view.customer_id))
    panel = customer_panel(work, customer, except_ticket=ticket_id)
    suggestions: list[SuggestItem] = []
    if actor.can("kb.search"):
        found = assist.suggest_for_ticket(
            page.database, session, actor, str(ticket_id), today=work.today(), clock=work.clock
        )
        suggestions = found.items
    used = next((s for s in suggestions if s.id == outcome.used), None)
    duplicate = possible_duplicate(session, ticket_id) if outcome.created else None
    return page.render(
        "ticket.html",
        status_code=status,
        view=view,
        t=view.ticket,
        panel=panel,
        suggestions=suggestions,
        used=used,
        duplicate=duplicate,
        known_problem=problem_views.known_for_ticket(session, ticket_id)
        if actor.can("problems.read")
        else None,
        mail=ticket_mail.thread_for(page, ticket_id),
        mail_state=page.request.query_params.get("mail"),
        outcome=outcome,
        stale=view.since(outcome.stale_seen) if outcome.stale_seen is not None else None,
        may_visit=appointments.may_set(actor, view.ticket.status, view.ticket.station),
    )


@router.get("/console/tickets/{ticket_id:int}", response_class=HTMLResponse)
@writes_on_read  # suggestions shown are counted; an unmasked number is audited
def ticket_page(ticket_id: int, page: Page) -> HTMLResponse:
    """The ticket with its timeline, customer, suggestions and the actions allowed now."""
    query = page.request.query_params
    done = query.get("done")
    outcome = Outcome(
        notice=done if done in HANDLERS or done == "appointment" else None,
        created=query.get("created") == "1",
        used=query.get("used"),
    )
    return _page(page, ticket_id, outcome)


@router.post("/console/tickets/{ticket_id:int}/actions/{action}", response_class=HTMLResponse)
def take_action(
    ticket_id: int, action: str, page: Page, form: Annotated[forms.ActionForm, Form()]
) -> Response:
    """Take an action from its form; a stale or refused form shows the page again, saying why."""
    page.check_csrf(form.csrf_token)
    if action not in HANDLERS:
        raise NotFound(f"no action {action!r}")
    typed = form.model_dump(exclude={"csrf_token", "version", "seen"})
    version = forms.whole_number(form.version)
    outcome = Outcome(action=action, typed=typed)
    try:
        body = forms.action_body(action, form)
        with page.session.begin_nested():  # a refused action leaves nothing behind
            perform(
                page.session,
                page.actor,
                str(ticket_id),
                action,
                body,
                if_match=version,
                tz=page.work.tz,
                clock=page.work.clock,
            )
    except forms.FormRefused as exc:
        outcome.errors = exc.errors
        status = 422
    except InvalidInput as exc:
        outcome.errors = forms.problems(exc, _first_field(action))
        status = 422
    except (PreconditionFailed, Conflict, Forbidden) as exc:
        if isinstance(exc, PreconditionFailed) or _moved_on(page, ticket_id, version):
            outcome = Outcome(stale_seen=forms.whole_number(form.seen) or 0, action=action)
        elif isinstance(exc, Forbidden):
            raise
        else:
            outcome.problem = exc.detail
        status = 409
    else:
        return redirect(f"/console/tickets/{ticket_id}?done={action}")
    return _page(page, ticket_id, outcome, status)


@router.post("/console/tickets/{ticket_id:int}/appointment", response_class=HTMLResponse)
def set_visit(ticket_id: int, page: Page, form: Annotated[forms.VisitForm, Form()]) -> Response:
    """Set or move the technician's visit (上门预约); a refused window shows the form again."""
    page.check_csrf(form.csrf_token)
    typed = form.model_dump(exclude={"csrf_token", "version"})
    outcome = Outcome(action="appointment", typed=typed)
    try:
        window = forms.visit_window(form, page.work.tz)
        with page.session.begin_nested():
            appointments.set_appointment(
                page.work, str(ticket_id), window,
                if_match=forms.whole_number(form.version), clock=page.work.clock,
            )  # fmt: skip
    except forms.FormRefused as exc:
        outcome.errors = exc.errors
    except InvalidInput as exc:
        found = forms.problems(exc, "start")
        outcome.errors = {forms.VISIT_FIELDS.get(k, k): v for k, v in found.items()}
    except (PreconditionFailed, Conflict) as exc:
        outcome.problem = exc.detail
        return _page(page, ticket_id, outcome, 409)
    else:
        return redirect(f"/console/tickets/{ticket_id}?done=appointment")
    return _page(page, ticket_id, outcome, 422)


def _moved_on(page: PageContext, ticket_id: int, version: int | None) -> bool:
    """Whether the ticket changed since the form was shown."""
    if version is None:
        return False
    return load_ticket(page.session, page.actor, str(ticket_id)).version != version


def _first_field(action: str) -> str:
    fields = list(HANDLERS[action][0].model_fields)
    return fields[0] if fields else "note"


@router.post("/console/tickets/{ticket_id:int}/use/{article_id}")
def use_answer(
    ticket_id: int,
    article_id: str,
    page: Page,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Record that a suggested answer was used for this ticket (使用此答案) and show it."""
    page.check_csrf(csrf_token)
    article = knowledge.load_article(page.session, page.actor, article_id)
    assist.use_in_ticket(page.session, page.actor, article, str(ticket_id), clock=page.work.clock)
    return redirect(f"/console/tickets/{ticket_id}?used={article.id}#kb-{article.id}")
