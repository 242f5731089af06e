"""Streaming CSV reading with physical line numbers and byte progress, in constant memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from closeloop.kit.errors import InvalidInput


@dataclass
class RowError:
    """A rejected row: its line in the file and why."""

    line: int
    reason: str


class _CountingReader(io.RawIOBase):
    """A raw file that reports how many bytes have been read (for progress bars)."""

    def __init__(self, raw: io.FileIO, on_bytes: Callable[[int], None] | None) -> None:
        self.raw, self.on_bytes = raw, on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        count = self.raw.readinto(buffer) or 0
        if self.on_bytes and count:
            self.on_bytes(count)
        return count

    def close(self) -> None:
        self.raw.close()
        super().close()


@dataclass
class CsvStream:
    """Rows of a UTF-8 CSV file as (line number, fields), the header checked up front.

    Bytes that are not UTF-8 survive as lone surrogates (`surrogateescape`), so the row that
    holds them fails its validation and is reported by line instead of aborting the file.
    With `text`, the rows come from that text (an uploaded or pasted file already decoded)
    and `path` only names it in messages.
    """

    path: Path
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    on_bytes: Callable[[int], None] | None = None
    header: list[str] = field(default_factory=list)
    text: str | None = None

    def positions(self, columns: tuple[str, ...]) -> list[int | None]:
        """Where each column sits in the header (None when an optional column is absent)."""
        return [self.header.index(c) if c in self.header else None for c in columns]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Each data row with its starting line number; blank lines are skipped."""
        with self._open() as text:
            reader = csv.reader(text)
            try:
                header = next(reader)
            except StopIteration:
                raise InvalidInput(f"{self.path}: the file is empty") from None
            self.header = [h.strip() for h in header]
            missing = [c for c in self.required if c not in self.header]
            if missing:
                raise InvalidInput(
                    f"{self.path}: line 1: missing column(s) {', '.join(missing)}; "
                    f"expected {','.join(self.required)}"
                )
            unknown = [c for c in self.header if c not in self.required + self.optional]
            if unknown:
                raise InvalidInput(f"{self.path}: line 1: unknown column(s) {', '.join(unknown)}")
            line = reader.line_num + 1
            for row in reader:
                if row:
                    yield line, row
                line = reader.line_num + 1

    def _open(self) -> io.TextIOBase:
        if self.text is not None:
            return io.StringIO(self.text.removeprefix("\ufeff"), newline="")
        raw = _CountingReader(io.FileIO(self.path, "r"), self.on_bytes)
        buffered = io.BufferedReader(raw, buffer_size=1 << 20)
        return io.TextIOWrapper(
            buffered, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
