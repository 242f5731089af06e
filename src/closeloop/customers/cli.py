"""`closeloop import plans|customers FILE.csv`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from closeloop.customers.importer import ImportReport, import_customers, import_plans, iter_errors
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.progress import byte_progress
from closeloop.runtime.cli import database, fail, reports_errors, stderr

app = typer.Typer(help="Bulk-import plans and customers from CSV.", no_args_is_help=True)

IMPORT_ACTOR = Actor(username="cli-import", roles=("admin",))

Importer = Callable[..., ImportReport]
FileArg = Annotated[Path, typer.Argument(help="CSV file (see CONTRACT §2 for the columns).")]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Any bad row aborts; nothing changes.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the summary as JSON on stdout.")]


def _run(importer: Importer, path: Path, strict: bool, as_json: bool) -> None:
    if not path.is_file():
        fail(f"cannot read {path}: no such file")
    db: Database = database()
    with byte_progress(f"importing {path.name}", path.stat().st_size) as advance:
        report = importer(db, path, IMPORT_ACTOR, strict=strict, on_bytes=advance)
    for line in iter_errors(report):
        stderr.print(f"{path.name}: {line}", highlight=False)
    summary = (
        f"{report.kind}: read {report.read}, inserted {report.inserted}, updated "
        f"{report.updated}, unchanged {report.unchanged}, rejected {report.rejected}"
    )
    stderr.print(summary, highlight=False)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))


@app.command("plans")
@reports_errors
def plans(file: FileArg, strict: StrictOpt = False, as_json: JsonOpt = False) -> None:
    """Import plans: code,name,monthly_fee,data_mb,voice_min,sms."""
    _run(import_plans, file, strict, as_json)


@app.command("customers")
@reports_errors
def customers(file: FileArg, strict: StrictOpt = False, as_json: JsonOpt = False) -> None:
    """Import customers: msisdn,name,region,plan_code,join_date[,id_number,segment]."""
    _run(import_customers, file, strict, as_json)
