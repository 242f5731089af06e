"""Ingesting a JSONL file of posts (批量导入): good lines kept, bad lines reported by number."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pydantic import ValidationError

from closeloop.kit.errors import CloseLoopError, InvalidInput
from closeloop.opinion.classifier import shipped
from closeloop.opinion.intake import IGNORED, STORED, Taken, take_post, watch_in_force
from closeloop.opinion.schemas import PostIn
from closeloop.runtime.work import Work


@dataclass
class IngestReport:
    read: int = 0
    stored: int = 0
    duplicate: int = 0
    ignored: int = 0
    rejected: int = 0
    tickets: int = 0
    urgent: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def count(self, taken: Taken) -> None:
        if taken.status == STORED and taken.post is not None:
            self.stored += 1
            self.tickets += taken.post.ticket_id is not None
            self.urgent += taken.post.urgent
        elif taken.status == IGNORED:
            self.ignored += 1
        else:
            self.duplicate += 1

    def as_dict(self) -> dict[str, object]:
        return {
            "read": self.read, "stored": self.stored, "duplicate": self.duplicate,
            "ignored": self.ignored, "rejected": self.rejected, "tickets": self.tickets,
            "urgent": self.urgent,
            "errors": [{"line": n, "reason": r} for n, r in self.errors],
        }  # fmt: skip


def _reason(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def parse_line(text: str) -> PostIn:
    """One line as a post; ValueError says what is wrong."""
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from exc
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    try:
        return PostIn.model_validate(row)
    except ValidationError as exc:
        raise ValueError(_reason(exc)) from exc


def ingest_lines(
    work: Work,
    lines: Iterable[str],
    *,
    strict: bool = False,
    on_line: Callable[[int], None] = lambda _size: None,
) -> IngestReport:
    """Take every good line; with `strict`, the first bad line raises and nothing is kept."""
    report = IngestReport()
    watch, model = watch_in_force(work.session), shipped()
    for number, text in enumerate(lines, 1):
        on_line(len(text.encode()))
        if not text.strip():
            continue
        report.read += 1
        try:
            with work.session.begin_nested():
                report.count(take_post(work, parse_line(text), watch=watch, model=model))
        except (ValueError, CloseLoopError) as exc:
            reason = exc.detail if isinstance(exc, CloseLoopError) else str(exc)
            if strict:
                raise InvalidInput(f"line {number}: {reason}") from exc
            report.rejected += 1
            report.errors.append((number, reason))
    return report
