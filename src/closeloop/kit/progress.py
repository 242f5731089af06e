"""Rich progress bars for long commands (on stderr, so stdout stays machine-readable)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


def _bar(speed: ProgressColumn) -> Progress:
    """A bar over a file's bytes on stderr, with the given speed column."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        speed,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        refresh_per_second=4,
    )


@contextmanager
def byte_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar over a file's bytes; yields the function to call with each chunk's size."""
    progress = _bar(TransferSpeedColumn())
    with progress:
        task = progress.add_task(label, total=total)
        pending = 0

        def advance(size: int) -> None:
            nonlocal pending
            pending += size
            if pending >= 1 << 20:  # update the bar per MiB, not per line
                progress.advance(task, pending)
                pending = 0

        yield advance
        progress.advance(task, pending)


@contextmanager
def record_progress(
    label: str, total_bytes: int
) -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A bar over a file's bytes that shows records and records/s; yields (on_bytes, on_records)."""
    progress = _bar(
        TextColumn("{task.fields[records]:,} records · {task.fields[rate]:,.0f} records/s")
    )
    started = time.monotonic()
    with progress:
        task = progress.add_task(label, total=total_bytes, records=0, rate=0.0)
        count = 0

        def on_bytes(size: int) -> None:
            progress.advance(task, size)

        def on_records(records: int) -> None:
            nonlocal count
            count += records
            rate = count / max(time.monotonic() - started, 1e-6)
            progress.update(task, records=count, rate=rate)

        yield on_bytes, on_records
