"""`closeloop user create|set-password|disable|enable|list`."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from closeloop.auth import users
from closeloop.kit.actor import Actor
from closeloop.runtime.cli import database, fail, is_interactive, reports_errors

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)

CLI_ACTOR = Actor(username="cli", roles=("admin",))


def _read_password(given: str | None, from_stdin: bool) -> str:
    if given:
        return given
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not is_interactive():
        fail("give --password, or --password-stdin with the password on standard input")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@app.command("create")
@reports_errors
def create(
    username: str,
    role: Annotated[list[str], typer.Option("--role", "-r", help="Role; repeat for several.")],
    station: Annotated[str | None, typer.Option(help="Station code, for station staff.")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    password: Annotated[str | None, typer.Option(help="Password (prompted when omitted).")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
) -> None:
    """Create a user with one or more roles."""
    secret = _read_password(password, password_stdin)
    with database().unit_of_work() as session:
        user = users.create_user(
            session, CLI_ACTOR, username, secret, role, station=station, display_name=name
        )
        typer.echo(f"created {user.username} ({', '.join(user.role_codes)})", err=True)


@app.command("set-password")
@reports_errors
def set_password(
    username: str,
    password: Annotated[str | None, typer.Option(help="Password (prompted when omitted).")] = None,
    password_stdin: Annotated[bool, typer.Option(help="Read the password from stdin.")] = False,
) -> None:
    """Set a user's password."""
    secret = _read_password(password, password_stdin)
    with database().unit_of_work() as session:
        users.set_password(session, CLI_ACTOR, username, secret)
    typer.echo(f"password of {username} changed", err=True)


@app.command("disable")
@reports_errors
def disable(username: str) -> None:
    """Disable a user: no more sign-ins, existing tokens stop working."""
    with database().unit_of_work() as session:
        users.disable_user(session, CLI_ACTOR, username)
    typer.echo(f"{username} disabled", err=True)


@app.command("enable")
@reports_errors
def enable(username: str) -> None:
    """Let a disabled user sign in again."""
    with database().unit_of_work() as session:
        users.enable_user(session, CLI_ACTOR, username)
    typer.echo(f"{username} enabled", err=True)


@app.command("list")
@reports_errors
def list_users(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List users."""
    with database().unit_of_work() as session:
        accounts = users.list_users(session)
        rows = [
            {
                "username": u.username,
                "name": u.display_name,
                "roles": u.role_codes,
                "station": u.station_code,
                "active": u.active,
            }
            for u in accounts
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False))
        return
    table = Table("username", "name", "roles", "station", "active")
    for u in accounts:
        table.add_row(
            u.username,
            u.display_name,
            ",".join(u.role_codes),
            u.station_code or "-",
            "yes" if u.active else "no",
        )
    Console().print(table)
