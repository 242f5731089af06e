"""`closeloop sla scan [--at ISO8601]`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from closeloop.runtime.cli import database, moment, reports_errors, settings
from closeloop.tickets.scan import scan

app = typer.Typer(help="Service-level deadlines of tickets.", no_args_is_help=True)


@app.command("scan")
@reports_errors
def scan_command(
    at: Annotated[str | None, typer.Option(help="Evaluate as of this ISO 8601 time.")] = None,
) -> None:
    """Record each newly missed deadline once and print a JSON summary."""
    when = moment(at)
    report = scan(database(), when, settings().tz)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
