"""Streaming CSV reading with physical line numbers and byte progress, in constant memory."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from closeloop.kit.errors import InvalidInput


@dataclass
class RowError:
    """A rejected row: its line in the file and why."""

    line: int
    reason: str


@dataclass
class CsvStream:
    """Rows of a CSV file as (line number, fields), with the header checked up front."""

    path: Path
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    on_bytes: Callable[[int], None] | None = None
    decode_errors: list[RowError] = field(default_factory=list)
    header: list[str] = field(default_factory=list)

    def size(self) -> int:
        """The file's size in bytes."""
        return self.path.stat().st_size

    def _lines(self, raw: BinaryIO) -> Iterator[str]:
        first = True
        for number, chunk in enumerate(raw, start=1):
            if self.on_bytes:
                self.on_bytes(len(chunk))
            if first:
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
                first = False
            try:
                yield chunk.decode("utf-8")
            except UnicodeDecodeError:
                self.decode_errors.append(RowError(number, "not valid UTF-8"))
                yield "\n"

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Each data row with its starting line number; blank lines are skipped."""
        with self.path.open("rb") as raw:
            reader = csv.reader(self._lines(raw))
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
