"""Users and roles in the console (用户与角色): find users, create one, change their name, roles
and station, disable and enable them, reset their password, sign them out everywhere, and edit
what each role may do. Only holders of `users.manage` (the administrator) see these pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import HTMLResponse, Response

from closeloop.auth import accounts, roles, users
from closeloop.auth.accounts import UserChange
from closeloop.auth.passwords import MIN_PASSWORD_LENGTH, generate_password
from closeloop.console import admin_user_views as views
from closeloop.console.admin_user_views import UserFilter, UserForm
from closeloop.console.page import Page, PageContext
from closeloop.console.posted import Csrf, PostedLists, Text
from closeloop.console.session import CSRF_FIELD
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, InvalidInput

router = APIRouter(include_in_schema=False)

PERMISSION = accounts.MANAGE
USERS = "/console/admin/users"
ROLES = "/console/admin/roles"

RoleCodes = Annotated[list[str] | None, Form(alias="roles")]


def _common(page: PageContext) -> dict[str, Any]:
    return {
        "role_codes": views.role_codes(page.session),
        "stations": views.station_choices(page.session),
        "min_password": MIN_PASSWORD_LENGTH,
    }


# -- the list and creating a user --------------------------------------------------------------


def _users_page(
    page: PageContext, form: UserForm | None = None, status_code: int = 200
) -> HTMLResponse:
    wanted = UserFilter.of(page.request.query_params)
    return page.render(
        "admin_users.html",
        status_code=status_code,
        wanted=wanted,
        found=views.user_page(page.work, wanted),
        form=form or UserForm(),
        states=views.STATES,
        **_common(page),
    )


@router.get(USERS, response_class=HTMLResponse)
def users_page(page: Page) -> HTMLResponse:
    """Users by name, searched by name, role, station and state, a page at a time, with the
    form that creates one."""
    page.needs(PERMISSION)
    return _users_page(page)


@router.post(USERS, response_class=HTMLResponse)
def create_user(
    page: Page,
    csrf_token_: Csrf = "",
    username: Text = "",
    display_name: Text = "",
    roles_: RoleCodes = None,
    station: Text = "",
    password: Text = "",
    generate: Text = "",
) -> Response:
    """Create a user with a typed password or a generated one, shown once on the next page."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    _ = page.gettext
    form = UserForm(
        username=username.strip()[:64],
        display_name=display_name[:200],
        roles=[r[:32] for r in roles_ or []],
        station=station.strip()[:32],
        password=password[:256],
        generate=bool(generate),
    )
    if form.check_new(_):
        shown = generate_password() if form.generate else ""
        try:
            users.create_user(
                page.session,
                page.actor,
                form.username,
                shown or form.password,
                form.roles,
                station=form.station or None,
                display_name=form.display_name,
                clock=page.work.clock,
            )
        except (InvalidInput, Conflict) as exc:
            form.refused(_, exc)
        else:
            if shown:
                return _user_page(page, form.username, shown_password=shown, done="created")
            return redirect(f"{USERS}/{form.username}?done=created")
    form.password = ""  # never sent back into a page
    return _users_page(page, form, status_code=422)


# -- one user ----------------------------------------------------------------------------------


def _user_page(
    page: PageContext,
    username: str,
    *,
    form: UserForm | None = None,
    password_problem: str = "",
    shown_password: str = "",
    done: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    user = users.get_by_username(page.session, username)  # 404 for an unknown user
    recent = accounts.recent_failures(page.work, [user]).get(user.username, 0)
    query = page.request.query_params
    response = page.render(
        "admin_user.html",
        status_code=status_code,
        account=views.UserRow(user, recent),
        form=form or UserForm.of_user(user),
        password_problem=password_problem,
        shown_password=shown_password,
        done=done or query.get("done", ""),
        revoked=query.get("revoked", ""),
        trail=views.trail(page.session, user),
        **_common(page),
    )
    if shown_password:
        response.headers.update(views.shown_once_headers())
    return response


@router.get(USERS + "/{username}", response_class=HTMLResponse)
def user_page(username: str, page: Page) -> HTMLResponse:
    """One user: the form that changes them, their sign-in history, the buttons that disable,
    enable, reset the password and sign them out, and their recent audit entries."""
    page.needs(PERMISSION)
    return _user_page(page, username)


@router.post(USERS + "/{username}", response_class=HTMLResponse)
def save_user(
    username: str,
    page: Page,
    csrf_token_: Csrf = "",
    display_name: Text = "",
    roles_: RoleCodes = None,
    station: Text = "",
) -> Response:
    """Change the user's display name, roles and station (none: unbound)."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    form = UserForm(
        username=username,
        display_name=display_name[:200],
        roles=[r[:32] for r in roles_ or []],
        station=station.strip()[:32],
    )
    change = UserChange(
        display_name=form.display_name, roles=form.roles, station=form.station or None
    )
    try:
        accounts.update_user(page.work, username, change)
    except (InvalidInput, Conflict) as exc:
        form.refused(page.gettext, exc)
        return _user_page(page, username, form=form, status_code=exc.status)
    return redirect(f"{USERS}/{username}?done=saved")


def _switch(page: PageContext, username: str, disabled: bool) -> Response:
    try:
        accounts.update_user(page.work, username, UserChange(disabled=disabled))
    except Conflict as exc:
        form = UserForm.of_user(users.get_by_username(page.session, username))
        form.refused(page.gettext, exc)
        return _user_page(page, username, form=form, status_code=409)
    return redirect(f"{USERS}/{username}?done={'disabled' if disabled else 'enabled'}")


@router.post(USERS + "/{username}/disable", response_class=HTMLResponse)
def disable_user(username: str, page: Page, csrf_token_: Csrf = "") -> Response:
    """Disable the user: they cannot sign in, and their tokens and console sessions end."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    return _switch(page, username, disabled=True)


@router.post(USERS + "/{username}/enable", response_class=HTMLResponse)
def enable_user(username: str, page: Page, csrf_token_: Csrf = "") -> Response:
    """Let a disabled user sign in again."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    return _switch(page, username, disabled=False)


@router.post(USERS + "/{username}/password", response_class=HTMLResponse)
def reset_password(
    username: str,
    page: Page,
    csrf_token_: Csrf = "",
    password: Text = "",
    generate: Text = "",
) -> Response:
    """Set a typed or generated password (the generated one shown once); the user's tokens and
    console sessions end."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    _ = page.gettext
    users.get_by_username(page.session, username)  # 404 before anything else
    shown = generate_password() if generate else ""
    if not shown and not password:
        problem = _(views.TYPE_OR_GENERATE) % {"count": MIN_PASSWORD_LENGTH}
        return _user_page(page, username, password_problem=problem, status_code=422)
    try:
        revoked = accounts.reset_password(page.work, username, shown or password[:256])
    except InvalidInput as exc:
        problem = views.say(_, views.refusal(exc)[1])
        return _user_page(page, username, password_problem=problem, status_code=422)
    if shown:
        return _user_page(page, username, shown_password=shown, done="password")
    return redirect(f"{USERS}/{username}?done=password&revoked={revoked}")


@router.post(USERS + "/{username}/sign-out", response_class=HTMLResponse)
def sign_out(username: str, page: Page, csrf_token_: Csrf = "") -> Response:
    """Force sign-out (强制下线): every token and console session of the user ends."""
    page.check_csrf(csrf_token_)
    page.needs(PERMISSION)
    revoked = accounts.sign_out(page.work, username)
    return redirect(f"{USERS}/{username}?done=signed_out&revoked={revoked}")


# -- roles and their permissions ---------------------------------------------------------------


def _roles_page(
    page: PageContext,
    *,
    posted: dict[str, list[str]] | None = None,
    problem: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    query = page.request.query_params
    return page.render(
        "admin_roles.html",
        status_code=status_code,
        matrix=views.matrix(page.session, posted),
        problem=problem,
        saved=query.get("saved", ""),
        kept=views.KEPT_BY_ADMIN,
    )


@router.get(ROLES, response_class=HTMLResponse)
def roles_page(page: Page) -> HTMLResponse:
    """Roles as columns, permissions by domain as rows, ticked where the role grants it."""
    page.needs(PERMISSION)
    return _roles_page(page)


@router.post(ROLES, response_class=HTMLResponse)
def save_roles(page: Page, posted: PostedLists) -> Response:
    """Save what the roles may do: one role (the button of its column) or all of them shown. A
    refusal changes no role and shows the matrix as ticked; an unknown role is 404."""
    page.check_csrf((posted.get(CSRF_FIELD) or [""])[0])
    page.needs(PERMISSION)
    only = (posted.get("role") or [""])[0]
    # "Save every role" saves the columns the page showed (a role added since keeps its grants).
    grants = views.posted_grants(posted, posted.get("shown", []), only)
    try:
        roles.set_matrix(page.work, grants)
    except (InvalidInput, Conflict) as exc:
        shown = {code: list(r.permissions) for code, r in _stored(page).items()}
        shown.update(grants)
        problem = views.say(page.gettext, exc.detail)
        return _roles_page(page, posted=shown, problem=problem, status_code=exc.status)
    return redirect(f"{ROLES}?saved={only or 'all'}")


def _stored(page: PageContext) -> dict[str, roles.RoleGrants]:
    return {r.code: r for r in roles.matrix(page.session)}
