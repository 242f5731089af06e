"""`closeloop usage ingest FILE.csv` and `closeloop notifications export|dispatch`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from closeloop.care.ingest import Progress, ingest_usage
from closeloop.care.models import Notification
from closeloop.care.settings import policy_in_force
from closeloop.kit.actor import Actor
from closeloop.kit.progress import record_progress
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work

usage_app = typer.Typer(
    help="Feed usage records to the proactive-care rules.", no_args_is_help=True
)
notifications_app = typer.Typer(help="The notification outbox.", no_args_is_help=True)

INGEST_ACTOR = Actor(username="cli-usage", roles=("admin",))
EXPORT_FIELDS = ("id", "msisdn", "rule", "period", "threshold", "country", "text", "status")


@usage_app.command("ingest")
@reports_errors
def ingest(
    file: Annotated[Path, typer.Argument(help="usage CSV (CONTRACT §2).")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Any bad row aborts; nothing changes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Ingest usage records: record_id,msisdn,event_time,usage_type,amount,roaming_country."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    config = settings()
    with database().unit_of_work() as session:
        policy = policy_in_force(Work(session, config))
    with record_progress(f"ingesting {file.name}", file.stat().st_size) as (on_bytes, on_rec):
        report = ingest_usage(
            database(),
            file,
            INGEST_ACTOR,
            policy,
            strict=strict,
            progress=Progress(on_bytes, on_rec),
            chunk_bytes=config.usage_block_mb << 20,
        )
    for error in report.errors:
        stderr.print(f"{file.name}: line {error.line}: {error.reason}", highlight=False)
    if report.rejected > len(report.errors):
        stderr.print(f"… and {report.rejected - len(report.errors)} more rejected rows")
    stderr.print(report.summary(), highlight=False)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))


def _export_row(n: Notification) -> dict[str, object]:
    row: dict[str, object] = {f: getattr(n, f) for f in EXPORT_FIELDS}
    row["id"] = str(n.id)
    row["created_at"] = n.created_at.isoformat()
    return row


@notifications_app.command("export")
@reports_errors
def export(
    format: Annotated[str, typer.Option("--format", help="jsonl (one JSON object a line).")] = (
        "jsonl"
    ),
    rule: Annotated[str | None, typer.Option(help="Only this rule.")] = None,
) -> None:
    """Print the notification outbox, oldest first, one JSON object per line."""
    if format != "jsonl":
        fail(f"unknown format {format!r}; use jsonl")
    last = 0
    with database().unit_of_work(write=False) as session:
        while True:
            query = select(Notification).where(Notification.id > last)
            if rule:
                query = query.where(Notification.rule == rule)
            page = list(session.scalars(query.order_by(Notification.id).limit(5000)))
            if not page:
                break
            typer.echo("\n".join(json.dumps(_export_row(n), ensure_ascii=False) for n in page))
            last = page[-1].id
            session.expunge_all()


@notifications_app.command("dispatch")
@reports_errors
def dispatch() -> None:
    """One pass of the dispatcher: send what is due through the configured channels."""
    from closeloop.care.dispatcher import Dispatcher

    dispatcher = Dispatcher.from_settings(database(), settings())
    try:
        result = dispatcher.run_once()
    finally:
        dispatcher.close()
    stderr.print(f"dispatch: {json.dumps(result)}")
