"""What every CLI command shares: settings, the database, one-line failures on stderr."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from closeloop.config import Settings, get_settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import CloseLoopError

stderr = Console(stderr=True, highlight=False)

P = ParamSpec("P")
R = TypeVar("R")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a one-line reason on stderr and exit non-zero."""
    stderr.print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code)


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn CloseLoop errors into a one-line reason and a non-zero exit."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CloseLoopError as exc:
            fail(exc.detail)
        except OSError as exc:
            fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))

    return wrapper


def settings() -> Settings:
    """The settings of this CLI run."""
    return get_settings()


def database() -> Database:
    """The database of this CLI run."""
    return Database(settings().database_url)


def is_interactive() -> bool:
    """Whether stdin is a terminal (for password prompts)."""
    return sys.stdin.isatty()


def moment(at: str | None, clock: Clock = system_clock) -> datetime:
    """The instant an `--at` option names (ISO 8601; without an offset, local time), else now."""
    if not at:
        return clock.now()
    try:
        when = datetime.fromisoformat(at)
    except ValueError:
        fail(f"--at: not an ISO 8601 time: {at!r}")
    return when if when.tzinfo is not None else when.replace(tzinfo=settings().tz)
