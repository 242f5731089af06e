"""`closeloop churn evaluate FILE.csv --target COLUMN` (CONTRACT §10) and `churn retrain`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from closeloop.kit.actor import Actor
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work
from closeloop.value.churn_evaluation import cross_validate
from closeloop.value.churn_table import read_labelled
from closeloop.value.scoring import customer_count, recompute
from closeloop.value.training import train

churn_app = typer.Typer(help="Churn early warning (流失预警).", no_args_is_help=True)
value_app = typer.Typer(help="Customer value (客户价值).", no_args_is_help=True)
RETRAIN_ACTOR = Actor(username="cli-value", roles=("admin",))


@churn_app.command("evaluate")
@reports_errors
def evaluate(
    file: Annotated[Path, typer.Argument(help="CSV of customer attributes with a churn column.")],
    target: Annotated[str, typer.Option("--target", help="The churn column (yes/true/1 = left).")],
    id_column: Annotated[
        str | None, typer.Option("--id", help="A column that identifies rows (not a feature).")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", help="Stratified folds.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Cross-validate the project's churn model on any table: mean AUC and Brier score."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    labelled = read_labelled(file, target, id_column)
    if labelled.unlabelled:
        stderr.print(f"{file.name}: {labelled.unlabelled} rows without a {target} value left out")
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr,
    )
    with progress:
        task = progress.add_task(f"cross-validating on {file.name}", total=folds)
        result = cross_validate(
            labelled.table, labelled.churned, folds, on_fold=lambda: progress.advance(task)
        )
    stderr.print(
        f"{result.rows} rows, {result.folds} folds: AUC {result.auc:.4f}, Brier {result.brier:.4f}"
    )
    if as_json:
        typer.echo(json.dumps(result.as_dict()))


@churn_app.command("retrain")
@reports_errors
def retrain(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Train the churn model on the operator's own customers and store its evaluation."""
    with database().unit_of_work() as session:
        trained = train(session, Work(session, settings(), actor=RETRAIN_ACTOR))
    stderr.print(
        f"churn model {trained.run_id}: {trained.rows} customers, AUC {trained.auc}, "
        f"Brier {trained.brier} ({trained.description})"
    )
    if as_json:
        typer.echo(json.dumps(trained.__dict__))


@value_app.command("recompute")
@reports_errors
def recompute_values(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Recompute every customer's tier, RFM, CLV, lifecycle stage and churn risk now."""
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=stderr,
    )  # fmt: skip
    with database().unit_of_work() as session, progress:
        task = progress.add_task("recomputing customers' value", total=customer_count(session))
        work = Work(session, settings(), actor=RETRAIN_ACTOR)
        done = recompute(session, work, lambda n: progress.advance(task, n))
    stderr.print(
        f"{done.customers} customers as of {done.period}: {done.tier_changes} tier changes"
    )
    if as_json:
        typer.echo(json.dumps(done.__dict__))
