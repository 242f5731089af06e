"""`closeloop report monthly --period P [--lang L] [--html FILE] [--pdf FILE]` (the report as one
self-contained HTML file, and/or as an A4 PDF of the same document) and `closeloop report send
--period P [--to a@b.cn,c@d.cn]` (mailed, HTML with a plain-text part and the PDF attached, to
the list given or to `kpis.report_recipients`)."""

from __future__ import annotations

import smtplib
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn

from closeloop.console import i18n, report_pdf, report_view
from closeloop.console.report_mailing import build
from closeloop.kit.clock import system_clock
from closeloop.kit.errors import InvalidInput
from closeloop.kpis import report_mail, report_sends
from closeloop.kpis.cli import REPORT_ACTOR
from closeloop.kpis.monthly_report import monthly_report, parse_period
from closeloop.kpis.named_periods import NamedPeriod
from closeloop.kpis.report_settings import KEY, addresses
from closeloop.runtime.cli import database, fail, reports_errors, settings, stderr
from closeloop.runtime.work import Work

app = typer.Typer(help="KPI reports (指标报表).", no_args_is_help=True)

PeriodOption = Annotated[str, typer.Option("--period", help="A month 2026-11 or quarter 2026-Q4.")]
LangOption = Annotated[str, typer.Option("--lang", help="zh-CN or en")]


def _period(text: str) -> NamedPeriod:
    try:
        return parse_period(text, "--period")
    except InvalidInput as exc:
        fail(exc.detail)


def _language(text: str) -> str:
    language = i18n.normalise(text)
    if language is None:
        fail(f"--lang: must be zh-CN or en: {text!r}")
    return language


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), console=stderr,
                    transient=True)  # fmt: skip


@app.command("monthly")
@reports_errors
def monthly_command(
    period: PeriodOption,
    lang: LangOption = "zh-CN",
    html: Annotated[Path | None, typer.Option(help="Write the HTML file here.")] = None,
    pdf: Annotated[Path | None, typer.Option(help="Write the PDF file (A4) here.")] = None,
) -> None:
    """Write a month's or quarter's report as one self-contained HTML file and/or a PDF."""
    named, language, config = _period(period), _language(lang), settings()
    with _progress() as bar, database().unit_of_work() as session:
        bar.add_task(f"report {named.name}", total=None)
        report = monthly_report(Work(session, config, actor=REPORT_ACTOR), named, language)
        body = report_view.html_file(report, session)
    if pdf is not None:
        with _progress() as bar:
            bar.add_task(f"PDF {named.name}", total=None)
            try:
                pdf.write_bytes(report_pdf.render(body))
            except report_pdf.PdfUnavailable as exc:
                fail(str(exc))
        stderr.print(f"wrote {pdf}")
    if html is not None:
        html.write_text(body, encoding="utf-8")
        stderr.print(f"wrote {html}")
    elif pdf is None:
        sys.stdout.write(body)
        sys.stdout.flush()


@app.command("send")
@reports_errors
def send_command(
    period: PeriodOption,
    to: Annotated[
        str | None, typer.Option("--to", help=f"Addresses, comma-separated (default: {KEY}).")
    ] = None,
    lang: LangOption = "",
) -> None:
    """Mail a month's or quarter's report (HTML, a plain-text part, the PDF) and record it."""
    named, config = _period(period), settings()
    language = _language(lang) if lang else config.language
    with _progress() as bar, database().unit_of_work() as session:
        bar.add_task(f"report {named.name}", total=None)
        work = Work(session, config, actor=REPORT_ACTOR)
        try:
            recipients = addresses(to, "--to") if to else list(work.business(KEY))
        except ValueError as exc:
            fail(str(exc))
        if not recipients:
            fail(f"--to: no recipients given and {KEY} is empty")
        mail = build(work, named, recipients, language)
    try:
        report_mail.send(config, mail)
    except InvalidInput as exc:
        fail(exc.detail)
    except (OSError, smtplib.SMTPException) as exc:
        fail(f"SMTP {config.smtp_host}:{config.smtp_port}: {exc}")
    with database().unit_of_work() as session:
        report_sends.sent(session, None, named, recipients, REPORT_ACTOR, system_clock)
    stderr.print(f"sent {named.name} to {', '.join(recipients)}")
