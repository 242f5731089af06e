"""The `closeloop` command: migrate, seed, serve, and each domain's sub-commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from closeloop.db.migrate import upgrade
from closeloop.modules import MODULES, sync_defaults
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr

app = typer.Typer(
    help="CloseLoop — customer-service operations for telecom operators (客户服务运营平台).",
    no_args_is_help=True,
    add_completion=False,
)
_groups: dict[str, typer.Typer] = {}
for module in MODULES:
    for name, commands in module.commands.items():
        if name in _groups:  # a later module adds its commands to a group another one started
            _groups[name].registered_commands.extend(commands.registered_commands)
            continue
        _groups[name] = commands
        app.add_typer(commands, name=name)


def run_migrations() -> None:
    """Upgrade the schema to the newest revision and write the default roles."""
    upgrade(settings().database_url)
    with database().unit_of_work() as session:
        sync_defaults(session)


@app.command()
@reports_errors
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    run_migrations()
    stderr.print(f"schema is up to date ({_safe_url()})")


def _safe_url() -> str:
    url = settings().database_url
    if "@" in url:  # hide the password of a server URL
        scheme, rest = url.split("://", 1)
        return f"{scheme}://…@{rest.split('@', 1)[1]}"
    return url


@app.command()
@reports_errors
def seed(
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the demo organisation and data.")
    ] = False,
    reference: Annotated[
        bool, typer.Option("--reference", help="Only stations, calendars, taxonomies, plans.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was added as JSON.")] = False,
) -> None:
    """Migrate, then load the demo operator (running it twice changes nothing)."""
    from closeloop.demo.seed import DEMO_POSTS, DEMO_USERS, seed_demo, seed_reference
    from closeloop.demo.value_history import seed_value
    from closeloop.kit.clock import system_clock

    if not demo and not reference:
        fail("say what to seed: --demo or --reference")
    run_migrations()
    if reference and not demo:
        counts = seed_reference(database(), settings())
        if as_json:
            typer.echo(json.dumps(counts))
        stderr.print(f"reference data: added {', '.join(f'{k} {v}' for k, v in counts.items())}")
        return
    with stderr.status("loading demo data…") as status:
        counts = seed_demo(
            database(),
            settings(),
            step=lambda s: status.update(f"loading {s}…"),
            opinion_posts=DEMO_POSTS,
        )
        status.update("loading a year of bills and usage, the churn model, customer value…")
        counts |= seed_value(database(), settings(), system_clock)
    if as_json:
        typer.echo(json.dumps(counts))
    added = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing (already loaded)"
    stderr.print(f"demo data: added {added}")
    stderr.print(f"demo logins (password: {settings().demo_password}):")
    for username, (name, roles, station) in DEMO_USERS.items():
        where = f" @ {station}" if station else ""
        stderr.print(f"  {username:<11} {','.join(roles)}{where} — {name}")


# With --workers N uvicorn replaces a worker process that does not answer its health check
# within this long. A new worker answers only once it has imported the application, which takes
# 2 s of CPU: on a busy machine (a restart after a crash, under load) that took over 10 s, and
# with uvicorn's 5 s default the workers were replaced over and over and never served.
WORKER_HEALTHCHECK_SECONDS = 60


@app.command()
@reports_errors
def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy.", dir_okay=False)],
    overwrite: Annotated[bool, typer.Option(help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the embedded SQLite database to FILE, consistent while the server runs."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from closeloop.db.backup import plan_backup

    plan = plan_backup(settings().database_url, file, overwrite=overwrite)
    bar = Progress(
        TextColumn("backup"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"), console=stderr
    )
    with bar:
        task = bar.add_task("backup", total=None)
        done = plan.run(lambda copied, total: bar.update(task, completed=copied, total=total))
    stderr.print(f"backed up {done.pages} pages ({done.size / 2**20:.1f} MiB) to {done.path}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development).")] = False,
) -> None:
    """Serve the web console, the API and the embedded background worker."""
    import uvicorn

    from closeloop.http.metrics import farm_metrics

    processes = workers if not reload else 1
    stderr.print(f"CloseLoop on http://{host}:{port}  (API reference: /docs)")
    with farm_metrics(processes) as folder:
        if folder is not None:
            stderr.print(f"metrics of {processes} worker process(es) are gathered in {folder}")
        uvicorn.run(
            "closeloop.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers if not reload else None,
            reload=reload,
            log_config=None,
            access_log=False,
            proxy_headers=True,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        )


@app.command()
def worker(
    poll: Annotated[float, typer.Option(help="Seconds between looks for due jobs.")] = 5.0,
) -> None:
    """Run the background jobs (outbox, deadlines, summaries) in the foreground, for servers
    started with CLOSELOOP_WORKER_ENABLED=false; any number may run at once, on any host."""
    import signal

    from closeloop.kit.clock import system_clock
    from closeloop.kit.logs import configure_logging
    from closeloop.worker.loop import WorkerThread

    config = settings()
    configure_logging(config.log_level, config.log_json)
    loop = WorkerThread(database(), system_clock, config, poll_seconds=poll)

    def stop(_signal: int, _frame: object) -> None:
        loop.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    stderr.print(f"CloseLoop worker on {_safe_url()} (every {poll:g} s; stop with Ctrl-C)")
    loop.start()
    while loop.is_alive():
        loop.join(0.5)


def main() -> None:
    """Entry point of the console script."""
    app()
