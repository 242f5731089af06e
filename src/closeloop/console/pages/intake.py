"""Intake (受理): find the customer by number, record the ticket with knowledge suggestions
while typing, and resolve it on this contact, escalate it, or just open it."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from closeloop.console import forms, pickers, problem_views
from closeloop.console.customer_panel import CustomerPanel, customer_panel, find_customer
from closeloop.console.page import Page, PageContext
from closeloop.console.web import redirect
from closeloop.customers.rules import msisdn_problem
from closeloop.http.deps import writes_on_read
from closeloop.kit.errors import InvalidInput
from closeloop.knowledge import assist
from closeloop.knowledge.schemas import SuggestItem
from closeloop.organisation.models import Category, Cause
from closeloop.tickets import schemas
from closeloop.tickets.intake import FOLLOW_UPS, starting_point, take_call
from closeloop.tickets.workflow import actions_for

router = APIRouter(include_in_schema=False)

DEFAULTS = {"channel": "hotline", "type": "fault", "severity": "normal"}


def _suggest(page: PageContext, text: str, category: str | None = None) -> list[SuggestItem]:
    if not text.strip() or not page.actor.can("kb.search"):
        return []
    found = assist.suggest(
        page.database,
        page.session,
        page.actor,
        text,
        today=page.work.today(),
        category=category,
        clock=page.work.clock,
    )
    return found.items


def _lookup(page: PageContext, msisdn: str) -> tuple[CustomerPanel | None, str | None]:
    """The customer with this number, or why there is none."""
    msisdn = msisdn.strip()
    if not msisdn:
        return None, None
    if msisdn_problem(msisdn):
        return None, forms.BAD_NUMBER
    customer = find_customer(page.session, page.actor, msisdn)
    if customer is None:
        return None, forms.NO_CUSTOMER
    return customer_panel(page.work, customer), None


def _form_page(
    page: PageContext,
    typed: dict[str, Any],
    *,
    errors: dict[str, str] | None = None,
    suggestions: list[SuggestItem] | None = None,
    status: int = 200,
) -> HTMLResponse:
    session = page.session
    panel, lookup_problem = _lookup(page, typed.get("msisdn", ""))
    follow_ups = [a for a in actions_for("new", page.actor.roles, False) if a in FOLLOW_UPS]
    return page.render(
        "intake.html",
        status_code=status,
        typed={**DEFAULTS, **{k: v for k, v in typed.items() if v}},
        errors=errors or {},
        panel=panel,
        lookup_problem=lookup_problem,
        categories=pickers.leaf_groups(session, Category, page.language),
        causes=pickers.leaf_groups(session, Cause, page.language)
        if "resolve" in follow_ups
        else [],
        follow_ups=follow_ups,
        suggestions=suggestions or [],
        intake_key=secrets.token_urlsafe(16),
        known_problems=problem_views.known_problems(session, panel.region if panel else None)
        if page.actor.can("problems.read")
        else [],
        # kept while the form is shown again after a mistake: the call has not ended
        opened_at=typed.get("opened_at") or page.work.clock.now().isoformat(timespec="seconds"),
    )


@router.get("/console/tickets/new", response_class=HTMLResponse)
@writes_on_read  # an unmasked number shown is audited
def intake_form(
    page: Page, msisdn: str = "", opened_at: str = "", contact: int | None = None
) -> HTMLResponse:
    """The intake form; `?msisdn=` looks the customer up first (the call goes on: the form's
    `opened_at` is carried over); `?contact=` starts from an incoming contact — its customer,
    channel and text — and the ticket links it."""
    page.needs("tickets.create")
    if contact is not None:
        start = starting_point(page.work, contact)
        typed = {"msisdn": start.msisdn, "channel": start.channel, "title": start.title,
                 "description": start.description, "contact_id": str(start.contact_id)}  # fmt: skip
        return _form_page(page, typed)
    return _form_page(page, {"msisdn": msisdn, "opened_at": opened_at[:40]})


@router.post("/console/tickets", response_class=HTMLResponse)
def open_ticket(page: Page, form: Annotated[forms.IntakeForm, Form()]) -> Response:
    """Open the ticket, then resolve or escalate it when asked; bad input shows the form again."""
    page.check_csrf(form.csrf_token)
    page.needs("tickets.create")
    typed = form.model_dump(exclude={"csrf_token", "then", "intake_key"})
    opened_at = _instant(form.opened_at)
    text = f"{form.title}\n{form.description}"
    if form.then == "preview":  # suggestions without JavaScript: nothing is created
        found = _suggest(page, text, form.category or None)
        return _form_page(page, typed, suggestions=found)
    follow = form.then if form.then in FOLLOW_UPS else None
    errors: dict[str, str] = {}
    data: schemas.TicketIn | None = None
    try:
        data = forms.ticket_in(form)
    except forms.FormRefused as exc:
        errors.update(exc.errors)
    body: Any = None
    if follow:
        try:
            body = forms.action_body(follow, forms.ActionForm(**typed))
        except forms.FormRefused as exc:
            errors.update(exc.errors)
    if data is not None and not errors:
        try:
            ticket = take_call(
                page.work,
                data,
                follow_up=follow,
                follow_up_body=body,
                idempotency_key=form.intake_key.strip()[:128] or None,
                opened_at=opened_at,
                from_contact=forms.whole_number(form.contact_id),
            )
        except InvalidInput as exc:
            errors.update(forms.problems(exc, "msisdn"))
        else:
            done = f"&done={follow}" if follow else ""
            return redirect(f"/console/tickets/{ticket.id}?created=1{done}")
    found = _suggest(page, text, form.category or None)
    return _form_page(page, typed, errors=errors, suggestions=found, status=422)


def _instant(text: str) -> datetime | None:
    """The form's opening time as it was written into it, or None if it is not one."""
    try:
        return datetime.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        return None


@router.get("/console/kb/suggest", response_class=HTMLResponse)
@writes_on_read  # suggestions shown are counted
def suggest_fragment(page: Page, text: str = "", category: str = "") -> HTMLResponse:
    """A small HTML list of knowledge suggestions for text typed at intake (fetched by JS)."""
    page.needs("kb.search")
    found = _suggest(page, text[:2000], category[:96] or None)
    return page.render("kb_suggest.html", suggestions=found, text=text)
