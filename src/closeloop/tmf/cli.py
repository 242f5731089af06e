"""`closeloop client create NAME --scopes tickets,customers,communication`: a machine client."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

import typer

from closeloop.auth import audit, users
from closeloop.auth.cli import CLI_ACTOR
from closeloop.auth.tokens import issue_token
from closeloop.kit.clock import system_clock
from closeloop.runtime.cli import database, fail, reports_errors
from closeloop.tmf.common import CLIENT_ROLE, SCOPES
from closeloop.tmf.models import TmfClient

app = typer.Typer(help="Machine clients (OSS/BSS) of the TM Forum APIs.", no_args_is_help=True)
CLIENT_TOKEN_TTL = timedelta(days=3650)


@app.command("create")
@reports_errors
def create(
    name: str,
    scopes: Annotated[
        str, typer.Option(help="Comma-separated: tickets,customers,communication.")
    ] = ",".join(SCOPES),
) -> None:
    """Create a client and print its long-lived bearer token once (on standard output)."""
    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = sorted(set(wanted) - set(SCOPES))
    if unknown or not wanted:
        fail(
            f"unknown scope(s): {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(SCOPES)}"
        )
    with database().unit_of_work() as session:
        user = users.create_user(
            session, CLI_ACTOR, name, secrets.token_urlsafe(32), [CLIENT_ROLE], display_name=name
        )
        now = system_clock.now()
        session.add(TmfClient(username=name, scopes=",".join(wanted), created_at=now))
        token, _row = issue_token(session, user, CLIENT_TOKEN_TTL)
        audit.record(session, CLI_ACTOR, "tmf.client.create", "user", user.id, ",".join(wanted))
    typer.echo(token)
    typer.echo(f"created client {name} with scopes {','.join(wanted)}", err=True)
