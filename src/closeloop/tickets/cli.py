"""`closeloop sla scan [--at ISO8601]`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from closeloop.kit.clock import system_clock
from closeloop.runtime.cli import database, fail, reports_errors, settings
from closeloop.tickets.scan import scan

app = typer.Typer(help="Service-level deadlines of tickets.", no_args_is_help=True)


@app.command("scan")
@reports_errors
def scan_command(
    at: Annotated[str | None, typer.Option(help="Evaluate as of this ISO 8601 time.")] = None,
) -> None:
    """Record each newly missed deadline once and print a JSON summary."""
    when = system_clock.now()
    if at:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            fail(f"--at: not an ISO 8601 time: {at!r}")
        if when.tzinfo is None:
            when = when.replace(tzinfo=settings().tz)
    report = scan(database(), when, settings().tz)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
