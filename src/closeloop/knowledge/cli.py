"""`closeloop kb import FILE.jsonl [--publish]`, `kb search QUERY|-`, `kb export` (CONTRACT §2)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from closeloop.kit.clock import system_clock
from closeloop.kit.progress import byte_progress
from closeloop.knowledge.bot.levels import refresh_live
from closeloop.knowledge.importer import export_lines, import_articles
from closeloop.knowledge.search.live import search
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr

app = typer.Typer(help="Knowledge base: import, search, export.", no_args_is_help=True)


@app.command("import")
@reports_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="JSONL, one article a line (CONTRACT §2).")],
    publish: Annotated[
        bool, typer.Option("--publish", help="Publish new and changed articles.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Any bad line aborts; nothing changes.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Add or update articles by external_id; bad lines are reported with their number."""
    if not file.is_file():
        fail(f"cannot read {file}: no such file")
    db = database()
    with (
        file.open(encoding="utf-8", errors="replace") as lines,
        byte_progress(f"importing {file.name}", file.stat().st_size) as advance,
        db.unit_of_work() as session,
    ):
        report = import_articles(
            session, lines, publish=publish, strict=strict, clock=system_clock, on_line=advance
        )
    if report.published:
        # measured now, so that no customer's first message waits for it
        refresh_live(db, system_clock)
    for line, reason in report.errors:
        stderr.print(f"{file.name}: line {line}: {reason}", highlight=False, soft_wrap=True)
    stderr.print(
        f"knowledge: read {report.read}, inserted {report.inserted}, updated {report.updated}, "
        f"unchanged {report.unchanged}, published {report.published}, rejected {report.rejected}",
        highlight=False,
    )
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))


def _items(result_hits: list[object]) -> list[dict[str, object]]:
    return [
        {"external_id": h.doc.external_id, "question": h.doc.question, "score": round(h.score, 4)}  # type: ignore[attr-defined]
        for h in result_hits
    ]


@app.command("search")
@reports_errors
def search_command(
    query: Annotated[
        str, typer.Argument(help="The question; `-` reads one query a line from stdin.")
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, max=50, help="How many results.")] = 5,
    category: Annotated[
        str | None, typer.Option("--category", help="Only this category path.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search published articles; with `-`, one JSON line per stdin query."""
    db = database()
    today = system_clock.now().astimezone(settings().tz).date()
    with db.unit_of_work(write=False) as session:
        if query == "-":
            for line in sys.stdin:
                text = line.strip()
                if not text:
                    continue
                result, took = search(
                    db, session, text, today=today, limit=limit, category=category
                )
                typer.echo(
                    json.dumps(
                        {
                            "query": text,
                            "items": _items(list(result.hits)),
                            "took_ms": round(took, 2),
                        },
                        ensure_ascii=False,
                    )
                )
            return
        if not query.strip():
            fail("give a query (or - to read queries from stdin)")
        result, took = search(db, session, query, today=today, limit=limit, category=category)
    if as_json:
        typer.echo(
            json.dumps(
                {"query": query, "items": _items(list(result.hits)), "took_ms": round(took, 2)},
                ensure_ascii=False,
            )
        )
        return
    if not result.hits:
        stderr.print("no published article matches")
    for rank, hit in enumerate(result.hits, start=1):
        typer.echo(f"{rank}. [{hit.score:.3f}] {hit.doc.external_id}  {hit.doc.question}")
    stderr.print(f"{took:.1f} ms")


@app.command("export")
@reports_errors
def export_command(
    working: Annotated[
        bool, typer.Option("--all", help="Every article's working copy, with its status.")
    ] = False,
) -> None:
    """Print published articles as JSONL (the import format)."""
    with database().unit_of_work(write=False) as session:
        for line in export_lines(session, working=working):
            typer.echo(line)
