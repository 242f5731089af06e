"""The SMS desk in the console (短信回复台): customers' texts waiting for an answer, one
customer's SMS thread, answering by SMS (through the channels' reply service), or opening a
ticket from the text (the intake form starts from it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from closeloop.auth import audit
from closeloop.channels import sms_desk, sms_inbox
from closeloop.console.labels import N_
from closeloop.console.page import Page, PageContext
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.customers.models import Contact
from closeloop.kit.errors import NotFound

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str | None, Form(alias=CSRF_FIELD)]
REPLY_MAX = 500
EMPTY = N_("Write the answer first.")
TOO_LONG = N_("An SMS answer may have at most 500 characters.")


def _page(page: PageContext, contact_id: int | None, error: str = "", typed: str = "") -> Response:
    session = page.session
    chosen = session.get(Contact, contact_id) if contact_id else None
    if contact_id and (chosen is None or chosen.channel != "sms"):
        raise NotFound(f"no SMS contact {contact_id}")
    return page.render(
        "sms.html",
        status_code=422 if error else 200,
        active="sms",
        waiting=sms_desk.waiting(session),
        chosen=chosen,
        thread=sms_desk.thread(session, chosen.customer_id) if chosen else [],
        who=sms_desk.who(session, chosen.customer_id) if chosen else None,
        error=error,
        typed=typed,
        sent=page.request.query_params.get("sent") == "1",
    )


@router.get("/console/sms", response_class=HTMLResponse)
def sms_desk_page(page: Page, contact: int | None = None) -> Response:
    """The texts waiting for an answer; with `contact`, its thread and the answer form."""
    page.needs("contacts.write")
    return _page(page, contact)


@router.post("/console/sms/{contact_id:int}/reply", response_class=HTMLResponse)
def answer_text(
    contact_id: int, page: Page, text: Annotated[str, Form()] = "", csrf: Csrf = None
) -> Response:
    """Answer a customer's text by SMS; an empty or too long answer shows the form again."""
    page.check_csrf(csrf)
    page.needs("contacts.write")
    answer = text.strip()
    if not answer or len(answer) > REPLY_MAX:
        return _page(page, contact_id, EMPTY if not answer else TOO_LONG, text)
    sms_inbox.reply(page.work, contact_id, answer)
    audit.record(
        page.session, page.actor, "sms.reply", "contact", contact_id, clock=page.work.clock
    )
    return redirect(f"/console/sms?contact={contact_id}&sent=1")
