"""`closeloop opinion classify|ingest|train|bursts` (CONTRACT §13)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, TextIO

import typer

from closeloop.kit.actor import Actor
from closeloop.kit.progress import byte_progress
from closeloop.opinion.classifier import shipped
from closeloop.opinion.detect import detect_bursts
from closeloop.opinion.posts_file import ingest_lines
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work

app = typer.Typer(help="Public-opinion monitoring (舆情监测).", no_args_is_help=True)

CLI_ACTOR = Actor(
    username="cli-opinion", roles=("admin",), permissions=frozenset({"opinion.ingest"})
)


def classify_stream(source: TextIO, out: TextIO) -> int:
    """One `{"id","text"}` a line in, one verdict a line out; bad lines reported; how many."""
    model, done = shipped(), 0
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            post_id, text = row["id"], row["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            stderr.print(f'line {number}: {exc!s} (want {{"id","text"}})', highlight=False)
            continue
        verdict = model.classify(text).as_dict()
        out.write(json.dumps({"id": post_id, **verdict}, ensure_ascii=False) + "\n")
        done += 1
    return done


@app.command("classify")
@reports_errors
def classify(
    file: Annotated[str, typer.Argument(help="JSONL file of {id,text}, or - for stdin.")],
) -> None:
    """Print {"id","sentiment","complaint","category","urgent"} for each {"id","text"} line."""
    if file == "-":
        classify_stream(sys.stdin, sys.stdout)
        return
    path = Path(file)
    if not path.is_file():
        fail(f"cannot read {file}: no such file")
    with path.open(encoding="utf-8") as source:
        classify_stream(source, sys.stdout)


@app.command("ingest")
@reports_errors
def ingest(
    file: Annotated[Path, typer.Argument(help="JSONL: {id,text,source,author,posted_at,url?}.")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Any bad line aborts; nothing changes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Store, classify and follow up posts (once per id); bad lines reported by number."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    with (
        file.open(encoding="utf-8", errors="replace") as lines,
        byte_progress(f"ingesting {file.name}", file.stat().st_size) as advance,
        database().unit_of_work() as session,
    ):
        work = Work(session, settings(), actor=CLI_ACTOR).bind()
        report = ingest_lines(work, lines, strict=strict, on_line=advance)
    for line, reason in report.errors:
        stderr.print(f"{file.name}: line {line}: {reason}", highlight=False, soft_wrap=True)
    summary = report.as_dict()
    stderr.print(
        "opinion: " + ", ".join(f"{k} {v}" for k, v in summary.items() if k != "errors"),
        highlight=False,
    )
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))


@app.command("bursts")
@reports_errors
def bursts(
    day: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default today).")] = None,
) -> None:
    """Look for negative-volume bursts on a day; prints the new ones as JSON."""
    with database().unit_of_work() as session:
        work = Work(session, settings(), actor=CLI_ACTOR).bind()
        try:
            on = date.fromisoformat(day) if day else work.today()
        except ValueError:
            fail(f"--day {day!r}: want YYYY-MM-DD")
        found = [
            {"day": b.day.isoformat(), "category": b.category, "region": b.region,
             "count": b.count, "expected": round(b.expected, 2), "p_value": b.p_value}
            for b in detect_bursts(work, on)
        ]  # fmt: skip
    typer.echo(json.dumps({"bursts": found}, ensure_ascii=False))


@app.command("train")
@reports_errors
def train(
    dev: Annotated[
        Path | None, typer.Option(help="Also train on labelled posts (the dev set's format).")
    ] = None,
) -> None:
    """Rebuild the shipped classifier from the project's training posts (needs scikit-learn)."""
    from closeloop.opinion.training.build import build

    if dev is not None and not dev.is_file():
        fail(f"cannot read {dev}: no such file")
    with stderr.status("training the opinion classifier…"):
        model, examples = build(dev)
    stderr.print(f"trained on {examples} posts, {len(model.vocabulary)} features")
