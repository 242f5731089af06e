"""`closeloop calendar import FILE.csv [--calendar CODE]`: next year's holiday schedule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from closeloop.kit.actor import Actor
from closeloop.kit.progress import byte_progress
from closeloop.organisation import calendars, day_file
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work

app = typer.Typer(
    help="Business calendars: holidays and adjusted working days.", no_args_is_help=True
)

CALENDAR_ACTOR = Actor(username="cli-calendar", roles=("admin",))
COLUMNS = day_file.COLUMNS
StrictOpt = Annotated[bool, typer.Option("--strict", help="Any bad row aborts; nothing changes.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")]


@app.command("import")
@reports_errors
def import_days(
    file: Annotated[Path, typer.Argument(help="CSV file: date,kind,name (kind: holiday|workday).")],
    calendar: Annotated[
        str | None,
        typer.Option("--calendar", help="One calendar (default: every national-schedule one)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Any bad row aborts; nothing changes.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON on stdout.")
    ] = False,
) -> None:
    """Import holidays and adjusted working days (e.g. next year's State Council schedule)."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    with byte_progress(f"reading {file.name}", file.stat().st_size) as advance:
        entries, errors = day_file.read_days_file(file, advance)
    for error in errors:
        stderr.print(f"{file.name}: line {error.line}: {error.reason}", highlight=False)
    if errors and strict:
        fail(f"{len(errors)} bad row(s); nothing was imported (--strict)")
    if not entries:
        fail(f"{file.name}: no good rows to import")
    with database().unit_of_work() as session:
        work = Work(session, settings(), actor=CALENDAR_ACTOR).bind()
        codes = [calendar] if calendar else calendars.national_calendars(session)
        report = calendars.set_days(work, codes, entries, source=f"file {file.name}"[:32])
    summary = report.as_dict() | {"read": len(entries) + len(errors), "rejected": len(errors)}
    summary["errors"] = [{"line": e.line, "reason": e.reason} for e in errors]
    stderr.print(
        f"calendars {', '.join(report.calendars)}: added {report.added}, changed "
        f"{report.changed}, unchanged {report.unchanged}, rejected {len(errors)}",
        highlight=False,
    )
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
