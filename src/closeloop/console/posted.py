"""What a console form posts, for pages whose field names are data (a setting's key, a
weekday, a role's checkbox): every text field, or every value of each field."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request

from closeloop.console.session import CSRF_FIELD

Text = Annotated[str, Form()]
Csrf = Annotated[str, Form(alias=CSRF_FIELD)]


async def posted_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (the last value of each)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def posted_lists(request: Request) -> dict[str, list[str]]:
    """The posted form's text fields, each with all its values (checkboxes, multi-selects)."""
    form = await request.form()
    posted: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            posted.setdefault(key, []).append(value)
    return posted


Posted = Annotated[dict[str, str], Depends(posted_fields)]
PostedLists = Annotated[dict[str, list[str]], Depends(posted_lists)]
