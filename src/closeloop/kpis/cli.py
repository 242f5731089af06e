"""`closeloop report kpis --from D --to D [--by X] [--format csv|xlsx|json]` and
`closeloop report rebuild` (the rollups summed again from the histories)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput
from closeloop.kpis import export, rebuild, service
from closeloop.kpis.periods import Period, instant
from closeloop.kpis.report import report_rows
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work

app = typer.Typer(help="KPI reports (指标报表).", no_args_is_help=True)
REPORT_ACTOR = Actor(username="cli-report", roles=("admin",), permissions=frozenset({"kpis.read"}))


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: not a date (YYYY-MM-DD): {text!r}")


@app.command("kpis")
@reports_errors
def kpis_command(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD), inclusive.")],
    end: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD), exclusive.")],
    by: Annotated[
        str | None,
        typer.Option(help="station, region, channel, category, agent, day, week or month"),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv, xlsx or json")] = "csv",
    codes: Annotated[str | None, typer.Option(help="KPI codes, comma-separated")] = None,
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
    lang: Annotated[str, typer.Option(help="zh-CN or en")] = "zh-CN",
) -> None:
    """Write the KPI table for [--from, --to)."""
    if fmt not in export.FORMATS:
        fail(f"--format: must be one of {', '.join(export.FORMATS)}")
    config = settings()
    first, last = _day(start, "--from"), _day(end, "--to")
    if first >= last:
        fail("--from: must be before --to")
    try:
        chosen = service.parse_codes(codes, ("--codes",))
        grouping = service.parse_by(by, ("--by",))
    except InvalidInput as exc:
        fail(exc.detail)
    with database().unit_of_work() as session:
        work = Work(session, config, actor=REPORT_ACTOR)
        period = Period(instant(first, config.tz), instant(last, config.tz), config.tz)
        body = export.render(report_rows(work, chosen, period, grouping, lang), fmt)
    if output is not None:
        output.write_bytes(body)
        stderr.print(f"wrote {output}")
    else:
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()


@app.command("rebuild")
@reports_errors
def rebuild_command() -> None:
    """Sum the KPI day rollups again from the ticket histories."""
    config = settings()
    with (
        Progress(console=stderr, transient=True) as bar,
        database().unit_of_work() as session,
    ):
        task = bar.add_task("rollups", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        written = rebuild.rebuild(session, config.tz, advance)
    stderr.print(f"{written} rollups written")
