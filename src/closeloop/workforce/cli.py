"""`closeloop wfm erlang|forecast` (CONTRACT §12)."""

from __future__ import annotations

import json
from datetime import tzinfo
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from closeloop.kit.actor import Actor
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work
from closeloop.workforce.days import national_kind
from closeloop.workforce.erlang import Demand, StaffingInputError, fewest_agents, scheduled_agents
from closeloop.workforce.forecast import Point, forecast
from closeloop.workforce.history_file import History, HistoryFileError, LineError, read_history
from closeloop.workforce.planning import forecast_recorded
from closeloop.workforce.schemas import RosterIn
from closeloop.workforce.staffing import build_roster
from closeloop.workforce.volumes import INTERVALS, import_history

wfm_app = typer.Typer(help="Workforce management: staffing and forecasts.", no_args_is_help=True)
IMPORT_ACTOR = Actor(username="cli-wfm", roles=("admin",))


@wfm_app.command("erlang")
def erlang(
    contacts: Annotated[float, typer.Option("--contacts", help="Contacts in the interval.")],
    aht: Annotated[float, typer.Option("--aht", help="Average handling time, seconds.")],
    interval: Annotated[float, typer.Option("--interval", help="Interval length, minutes.")] = 30,
    target_sl: Annotated[
        float, typer.Option("--target-sl", help="Service-level target, a fraction 0–1.")
    ] = 0.8,
    target_seconds: Annotated[
        float, typer.Option("--target-seconds", help="Answered within this many seconds.")
    ] = 20,
    shrinkage: Annotated[
        float, typer.Option("--shrinkage", help="Share of paid time off the phones, 0–1.")
    ] = 0.0,
    patience: Annotated[
        float | None,
        typer.Option("--patience", help="Customers' mean patience, seconds (Erlang A)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """The fewest agents meeting the service level (Erlang C, or Erlang A with --patience)."""
    demand = Demand(contacts, aht, interval * 60, target_sl, target_seconds, patience)
    try:
        found = fewest_agents(demand)
        scheduled = scheduled_agents(found.agents, shrinkage)
    except StaffingInputError as exc:
        fail(f"--{exc.field.replace('_', '-')}: {str(exc).split(': ', 1)[1]}")
    result = {
        "agents": found.agents,
        "service_level": round(found.service_level, 6),
        "asa_seconds": round(found.asa_seconds, 3),
        "occupancy": round(found.occupancy, 6),
        "scheduled": scheduled,
    }
    if patience is not None:
        result["abandoned"] = round(found.abandoned, 6)
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(
            f"{found.agents} agents (schedule {scheduled}): service level "
            f"{found.service_level:.1%}, ASA {found.asa_seconds:.1f} s, "
            f"occupancy {found.occupancy:.1%}"
        )


def _report_errors(name: str, errors: list[LineError]) -> None:
    for error in errors[:50]:
        stderr.print(f"{name}: line {error.line}: {error.reason}", highlight=False)
    if len(errors) > 50:
        stderr.print(f"… and {len(errors) - 50} more rejected lines")


def _read(file: Path) -> History:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}")
    try:
        history = read_history(text)
    except HistoryFileError as exc:
        fail(f"{file.name}: {exc}")
    _report_errors(file.name, history.errors)
    if not history.rows:
        fail(f"{file.name}: no good rows")
    return history


def _items(points: list[Point], tz: tzinfo) -> list[dict[str, object]]:
    return [
        {"interval_start": p.start.astimezone(tz).isoformat(), "contacts": round(p.contacts, 2)}
        for p in points
    ]


@wfm_app.command("forecast")
@reports_errors
def forecast_command(
    file: Annotated[
        Path | None, typer.Argument(help="interval_start,contacts CSV; omit to use the database.")
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", help="Open intervals to forecast.")] = 48,
    interval: Annotated[
        int, typer.Option("--interval", help="Minutes per interval (database: 15, 30, 60).")
    ] = 30,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Only this channel (database).")
    ] = None,
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks of history (database).")] = 12,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Forecast contacts for the next N intervals of opening hours."""
    if horizon < 1:
        fail("--horizon: must be at least 1")
    config = settings()
    if file is not None:
        history = _read(file)
        minutes = history.interval_minutes or fail(f"{file.name}: needs at least two intervals")
        points = [Point(r.interval_start, r.contacts) for r in history.rows]
        zone = history.rows[0].offset  # the file's own clock: its opening hours and output
        with stderr.status(f"forecasting from {len(points)} intervals…"):
            predicted = forecast(points, horizon, minutes, zone, national_kind)
    else:
        minutes = interval
        with database().unit_of_work(write=False) as session, stderr.status("forecasting…"):
            work = Work(session, config).bind()
            predicted = forecast_recorded(work, horizon, minutes, channel, weeks)
    result = {
        "interval_minutes": minutes,
        "items": _items(predicted, zone if file is not None else config.tz),
    }
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        for item in result["items"]:  # type: ignore[attr-defined]
            typer.echo(f"{item['interval_start']}  {item['contacts']:.1f}")


@wfm_app.command("import")
@reports_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="interval_start,contacts[,aht_seconds] CSV.")],
    channel: Annotated[str, typer.Option("--channel", help="The channel it counts.")] = "hotline",
    strict: Annotated[
        bool, typer.Option("--strict", help="Any bad line aborts; nothing changes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import a phone system's interval history (rows at 15, 30 or 60 minutes)."""
    history = _read(file)
    if strict and history.errors:
        fail(f"{file.name}: {len(history.errors)} bad lines; nothing imported (--strict)")
    minutes = history.interval_minutes or fail(f"{file.name}: needs at least two intervals")
    if minutes not in INTERVALS:
        fail(f"{file.name}: rows are {minutes} minutes apart; use 15, 30 or 60")
    with database().unit_of_work() as session:
        work = Work(session, settings(), actor=IMPORT_ACTOR).bind()
        new, replaced = import_history(work, history.rows, minutes, channel)
    summary = {
        "read": len(history.rows) + len(history.errors),
        "new": new,
        "replaced": replaced,
        "rejected": len(history.errors),
        "interval_minutes": minutes,
        "errors": [{"line": e.line, "reason": e.reason} for e in history.errors],
    }
    stderr.print(
        f"read {summary['read']}, new {new}, replaced {replaced}, rejected {summary['rejected']}"
    )
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))


@wfm_app.command("roster")
@reports_errors
def roster_command(
    file: Annotated[Path, typer.Argument(help="Roster request JSON (as POST /api/v1/wfm/roster).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON.")] = False,
) -> None:
    """Build the roster with CP-SAT from templates, agents and rules in a JSON file; publish it."""
    try:
        body = RosterIn.model_validate_json(file.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {file}: {exc}")
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"{file.name}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}")
    with database().unit_of_work() as session, stderr.status("solving the roster (CP-SAT)…"):
        work = Work(session, settings(), actor=IMPORT_ACTOR).bind()
        outcome = build_roster(work, body)
    stderr.print(
        f"{outcome.status}: {outcome.shifts} shifts, {outcome.short} agent-intervals short, "
        f"{outcome.over} over"
    )
    if as_json:
        typer.echo(outcome.model_dump_json())
