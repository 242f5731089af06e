"""`closeloop credit run [--at ISO8601]` (CONTRACT §11)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from closeloop.credit.run import run_credit
from closeloop.kit.clock import FixedClock, system_clock
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work

app = typer.Typer(help="Credit and arrears (信用与欠费).", no_args_is_help=True)


@app.command("run")
@reports_errors
def run(
    at: Annotated[
        str | None, typer.Option("--at", help="Run as of this instant (ISO 8601 with offset).")
    ] = None,
) -> None:
    """Grade customers; take each customer in arrears to their ladder step once; restore."""
    clock = system_clock
    if at is not None:
        try:
            instant = datetime.fromisoformat(at)
        except ValueError:
            fail(f"--at: not an ISO 8601 instant: {at!r}")
        if instant.tzinfo is None:
            fail(f"--at: give an offset, e.g. {at}+08:00")
        clock = FixedClock(instant)
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=stderr,
    )  # fmt: skip
    with bar, database().unit_of_work() as session:
        grading = bar.add_task("grading every customer (set-based)", total=None)

        def moving(count: int) -> Callable[[], None]:
            bar.update(grading, total=1, completed=1)
            task = bar.add_task("customers moving on the ladder", total=count)
            return lambda: bar.advance(task)

        Work(session, settings(), clock).bind()
        summary = run_credit(session, progress=moving)
    stderr.print(
        f"credit run as of {summary.at}: {summary.customers} customers, "
        f"{summary.graded} grade changes, {summary.moved} moved",
        highlight=False,
    )
    typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False))
