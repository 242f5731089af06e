"""`closeloop import bills FILE.csv` (CONTRACT §10)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from closeloop.billing.importer import import_bills
from closeloop.customers.importer import iter_errors
from closeloop.kit.actor import Actor
from closeloop.kit.progress import byte_progress
from closeloop.runtime.cli import database, fail, reports_errors, stderr

app = typer.Typer(help="Bulk-import bills from CSV.", no_args_is_help=True)

IMPORT_ACTOR = Actor(username="cli-import", roles=("admin",))


@app.command("bills")
@reports_errors
def bills(
    file: Annotated[
        Path,
        typer.Argument(
            help="msisdn,period,amount_due,amount_paid,due_date,paid_date (CONTRACT §10)."
        ),
    ],
    strict: Annotated[bool, typer.Option("--strict", help="Any bad row aborts.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import bills: msisdn,period,amount_due,amount_paid,due_date,paid_date (upsert)."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    with byte_progress(f"importing {file.name}", file.stat().st_size) as advance:
        report = import_bills(database(), file, IMPORT_ACTOR, strict=strict, on_bytes=advance)
    for line in iter_errors(report):
        stderr.print(f"{file.name}: {line}", highlight=False)
    stderr.print(
        f"bills: read {report.read}, inserted {report.inserted}, updated {report.updated}, "
        f"unchanged {report.unchanged}, rejected {report.rejected}",
        highlight=False,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))
