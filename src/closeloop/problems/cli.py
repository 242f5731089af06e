"""`closeloop problems detect [--at ISO8601]`."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from closeloop.kit.clock import FixedClock
from closeloop.problems.detection import detect
from closeloop.runtime.cli import database, moment, reports_errors, settings
from closeloop.runtime.work import Work

app = typer.Typer(
    help="Problem management: complaint bursts and network alarms.", no_args_is_help=True
)


@app.command("detect")
@reports_errors
def detect_command(
    at: Annotated[str | None, typer.Option(help="Detect as of this ISO 8601 time.")] = None,
) -> None:
    """Find complaint bursts and open alarms, open or extend problems; print a JSON summary."""
    when = moment(at)
    with database().unit_of_work() as session:
        work = Work(session, settings(), clock=FixedClock(when)).bind()
        report = detect(work, when)
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
