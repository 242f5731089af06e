"""`closeloop wfm erlang|forecast` (CONTRACT §12)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from closeloop.runtime.cli import fail
from closeloop.workforce.erlang import Demand, StaffingInputError, fewest_agents, scheduled_agents

wfm_app = typer.Typer(help="Workforce management: staffing and forecasts.", no_args_is_help=True)


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
