"""Rich progress bars for long commands (on stderr, so stdout stays machine-readable)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)


@contextmanager
def byte_progress(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar over a file's bytes; yields the function to call with each chunk's size."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
        refresh_per_second=4,
    )
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
