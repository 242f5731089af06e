"""The one dependency of a console page (页面上下文): the request, the signed-in user and
their unit of work, instead of the session, database, clock and settings one by one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from closeloop.console import i18n
from closeloop.console.session import ConsoleUser, SignedIn, check_csrf
from closeloop.console.web import language_of, render
from closeloop.db.engine import Database
from closeloop.http.deps import AppDatabase, RequestWork
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Forbidden
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class PageContext:
    """A console request: who is signed in, and the work they do in it (session, clock,
    settings, acting as them); the database for the few pages that search knowledge."""

    request: Request
    user: ConsoleUser
    work: Work
    database: Database

    @property
    def session(self) -> Session:
        """The request's session."""
        return self.work.session

    @property
    def actor(self) -> Actor:
        """The signed-in user as the services know them."""
        return self.user.actor

    @property
    def language(self) -> str:
        """The page's language (zh-CN or en)."""
        return language_of(self.request, self.user)

    @property
    def gettext(self) -> Callable[[str], str]:
        """Translate a message id into the page's language."""
        return i18n.translations(self.language).gettext

    def needs(self, permission: str) -> None:
        """403 unless the user holds the permission."""
        if not self.actor.can(permission):
            raise Forbidden(f"permission {permission!r} is required")

    def check_csrf(self, submitted: str | None) -> None:
        """403 unless a form carried this session's token."""
        check_csrf(self.request, submitted, self.user.token)

    def render(self, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
        """The page in the user's language, with the helpers every template uses."""
        return render(self.request, template, self.user, status_code=status_code, **context)


async def page_context(
    request: Request, user: SignedIn, work: RequestWork, database: AppDatabase
) -> PageContext:
    """The signed-in page's context (redirect to /login without a session)."""
    return PageContext(request, user, work.acting_as(user.actor), database)


Page = Annotated[PageContext, Depends(page_context)]
