"""Helpers for the ticket page and intake tests: switch users, read and post a page's forms."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.support.signin import switch_console_user

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def as_user(client: TestClient, username: str) -> str:
    """Sign out whoever was signed in and sign in `username`; their CSRF token."""
    return switch_console_user(client, username)


def action_form(page: str, action: str) -> str:
    """The HTML of one action form on a ticket page."""
    match = re.search(rf'<form [^>]*id="form-{action}".*?</form>', page, re.S)
    assert match, f"the page has no {action} form"
    return match.group(0)


def action_forms(page: str) -> set[str]:
    """The actions the page offers a form for."""
    return set(re.findall(r'action="/console/tickets/\d+/actions/([a-z_]+)"', page))


def hidden_fields(form: str) -> dict[str, str]:
    """The hidden fields of a form (csrf_token, version, seen)."""
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(form)}


def act(
    client: TestClient, ticket_id: str, action: str, page: str | None = None, **fields: Any
) -> httpx.Response:
    """Post an action form as the page shows it (its hidden fields) with fields filled in."""
    if page is None:
        page = client.get(f"/console/tickets/{ticket_id}").text
    data = {**hidden_fields(action_form(page, action)), **fields}
    response: httpx.Response = client.post(
        f"/console/tickets/{ticket_id}/actions/{action}", data=data, follow_redirects=False
    )
    return response


def text_of(page: str) -> str:
    """The page's visible text, tags dropped and spaces collapsed (for reading assertions)."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<option[^>]*>.*?</option>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
