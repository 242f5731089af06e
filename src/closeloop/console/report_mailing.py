"""The monthly and quarterly reports mailed (报告邮件发送), the PDF attached: by hand
(`closeloop report send`) or on schedule by the worker — last month's on the 1st, last
quarter's too on a quarter's first day — each scheduled period claimed first so it goes out
once (`kpis.report_sends`)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy.orm import Session

from closeloop.config import Settings
from closeloop.console import report_pdf, report_view
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.kit.errors import InvalidInput
from closeloop.kpis import report_mail, report_sends
from closeloop.kpis.monthly_report import MonthlyReport, monthly_report
from closeloop.kpis.named_periods import NamedPeriod
from closeloop.kpis.report_settings import KEY
from closeloop.runtime.work import Work

log = logging.getLogger(__name__)


def _attachments(report: MonthlyReport, html: str) -> list[report_mail.Attachment]:
    """The report as a PDF beside the mail's body; none (and a warning) where Pango is missing:
    the HTML body still carries the whole report."""
    try:
        return [report_mail.Attachment(report_pdf.file_name(report), report_pdf.render(html))]
    except report_pdf.PdfUnavailable as exc:
        log.warning("report %s mailed without its PDF: %s", report.period.name, exc)
        return []


def build(work: Work, named: NamedPeriod, recipients: list[str], language: str) -> EmailMessage:
    """The report of a period as a mail to the recipients, in a language, the PDF attached."""
    report = monthly_report(work, named, language)
    session: Session = work.session
    html = report_view.html_file(report, session)
    return report_mail.compose(
        work.settings.smtp_sender,
        recipients,
        report_view.subject(report),
        html,
        report_view.plain_text(report, session),
        _attachments(report, html),
    )


def _send_one(database: Database, clock: Clock, config: Settings, named: NamedPeriod) -> bool:
    with database.unit_of_work() as session:
        work = Work(session, config, clock, actor=report_sends.SCHEDULE)
        recipients: list[str] = list(work.business(KEY))
        claim_id = report_sends.claim(session, named, clock.now()) if recipients else None
    if claim_id is None:
        return False
    try:
        with database.unit_of_work() as session:
            work = Work(session, config, clock, actor=report_sends.SCHEDULE)
            mail = build(work, named, recipients, config.language)
        report_mail.send(config, mail)
    except (OSError, smtplib.SMTPException, InvalidInput) as exc:
        log.warning("report %s not sent: %s", named.name, exc)
        with database.unit_of_work() as session:
            report_sends.release(session, claim_id)
        return False
    with database.unit_of_work() as session:
        report_sends.sent(session, claim_id, named, recipients, report_sends.SCHEDULE, clock)
    return True


def send_due(database: Database, clock: Clock, config: Settings | None = None) -> int:
    """The worker's job: mail the reports due today that no one has sent yet; how many."""
    if config is None:
        with database.unit_of_work() as session:
            config = Work.of(session).settings  # the process's settings
    return sum(
        _send_one(database, clock, config, named)
        for named in report_sends.due(clock.local_date(config.tz))
    )
