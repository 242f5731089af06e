"""The report as a file and a mail: `closeloop report monthly --html`, `closeloop report send`
received by an SMTP server (plain text and HTML, the PDF attached), the recipients'
setting, and the worker's scheduled send going out once however often it runs."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import Message
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.config import Settings
from closeloop.console.report_mailing import send_due
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kpis.report_sends import due, sends_of
from closeloop.kpis.report_settings import KEY, addresses
from tests.console.pdf_text import pdf_text
from tests.kpis.scorecard_story import two_months
from tests.support import Cli, Personas, error_locs
from tests.support.smtp_server import Mailbox, smtp_server

# 1 March 2027, 09:00 in Shanghai: February's report is due
MARCH_FIRST = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    box = Mailbox()
    controller = smtp_server(box)
    yield box, controller.port
    controller.stop()


def _parts(mail: Message) -> dict[str, str]:
    """The body's parts (plain text and HTML, as alternatives) by content type."""
    assert mail.get_content_type() == "multipart/mixed"  # the body, then the PDF
    parts = mail.get_payload()
    assert isinstance(parts, list)
    body = parts[0]
    assert isinstance(body, Message) and body.get_content_type() == "multipart/alternative"
    found = {}
    for part in body.get_payload():
        assert isinstance(part, Message)
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found[part.get_content_type()] = payload.decode("utf-8")
    return found


def _attached_pdf(mail: Message) -> tuple[str | None, bytes]:
    """The attachment's file name and bytes."""
    [attached] = [p for p in mail.walk() if p.get_content_disposition() == "attachment"]
    assert attached.get_content_type() == "application/pdf"
    payload = attached.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return attached.get_filename(), payload


def test_the_report_as_one_html_file(
    cli: Cli, client: TestClient, database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    two_months(client, database, clock)
    out = tmp_path / "report.html"
    done = cli("report", "monthly", "--period", "2027-02", "--lang", "en", "--html", str(out))
    assert done.exit_code == 0, done.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "Monthly report 2027-02" in html
    assert "<style>" in html and "size: A4" in html and html.count("<svg") == 5
    assert "/console/static" not in html and "<link" not in html  # nothing to fetch
    assert 'id="unit-field"' in html
    chinese = cli("report", "monthly", "--period", "2027-Q1")
    assert chinese.exit_code == 0 and "季度报告 2027-Q1" in chinese.stdout
    bad = cli("report", "monthly", "--period", "2027-W08")
    assert bad.exit_code != 0 and "--period" in bad.output


def test_the_report_as_a_pdf_file(
    cli: Cli, client: TestClient, database: Database, clock: FixedClock, tmp_path: Path
) -> None:
    two_months(client, database, clock)
    pdf, html = tmp_path / "report.pdf", tmp_path / "report.html"
    done = cli("report", "monthly", "--period", "2027-02", "--pdf", str(pdf), "--html", str(html))
    assert done.exit_code == 0, done.output
    assert done.stdout == "" and html.read_text(encoding="utf-8").startswith("<!doctype html>")
    text = "".join(pdf_text(pdf.read_bytes()).split())
    assert "月度报告2027-02" in text and "平衡计分卡" in text and "无线中心" in text


def test_send_mails_html_with_a_plain_text_part(
    cli: Cli,
    client: TestClient,
    database: Database,
    clock: FixedClock,
    mailbox: tuple[Mailbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box, port = mailbox
    monkeypatch.setenv("CLOSELOOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CLOSELOOP_SMTP_PORT", str(port))
    two_months(client, database, clock)
    sent = cli("report", "send", "--period", "2027-02", "--to", "a@op.cn, c@op.cn")
    assert sent.exit_code == 0, sent.output
    [envelope] = box.messages
    assert envelope.rcpt_tos == ["a@op.cn", "c@op.cn"]
    [mail] = box.parsed()
    assert str(mail["Subject"]) == "CloseLoop 月度报告 2027-02"
    parts = _parts(mail)
    assert "<svg" in parts["text/html"] and "平衡计分卡" in parts["text/html"]
    assert "回访满意率" in parts["text/plain"] and "<" not in parts["text/plain"]
    name, pdf = _attached_pdf(mail)
    assert name == "closeloop-report-2027-02.pdf" and "月度报告" in pdf_text(pdf)
    with database.unit_of_work() as session:
        [send] = sends_of(session, "2027-02")
        assert send.recipients == ["a@op.cn", "c@op.cn"] and send.schedule_key is None
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "kpi.report_sent"))
        assert [a.entity_id for a in audited] == ["2027-02"]
    bad = cli("report", "send", "--period", "2027-02", "--to", "a@op.cn,nobody")
    assert bad.exit_code != 0 and "--to[1]" in bad.output and len(box.messages) == 1
    none = cli("report", "send", "--period", "2027-02")
    assert none.exit_code != 0 and KEY in none.output


def test_the_recipients_setting_names_the_bad_address(
    client: TestClient, as_user: Personas
) -> None:
    assert addresses("a@op.cn, A@op.cn ,b@op.cn") == ["a@op.cn", "b@op.cn"]
    url = f"/api/v1/settings/{KEY}"
    bad = client.put(url, json={"value": ["a@op.cn", "b@"]}, headers=as_user.headers("admin"))
    assert bad.status_code == 422 and f"{KEY}[1]" in bad.text
    assert error_locs(bad) == [["value"]]
    good = client.put(url, json={"value": ["a@op.cn"]}, headers=as_user.headers("admin"))
    assert good.status_code == 200, good.text


def test_the_schedule_is_the_first_days_of_a_month_and_a_quarter() -> None:
    assert [p.name for p in due(date(2027, 3, 1))] == ["2027-02"]
    assert [p.name for p in due(date(2027, 4, 2))] == ["2027-03", "2027-Q1"]
    assert [p.name for p in due(date(2027, 1, 1))] == ["2026-12", "2026-Q4"]
    assert due(date(2027, 3, 4)) == []


def test_the_scheduled_report_goes_out_once(
    client: TestClient,
    database: Database,
    clock: FixedClock,
    settings: Settings,
    as_user: Personas,
    mailbox: tuple[Mailbox, int],
) -> None:
    box, port = mailbox
    two_months(client, database, clock)
    config = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    clock.advance(MARCH_FIRST - clock.now())
    assert send_due(database, clock, config) == 0  # no recipients yet: nothing sent, nothing kept
    response = client.put(f"/api/v1/settings/{KEY}", json={"value": ["boss@op.cn"]},
                          headers=as_user.headers("admin"))  # fmt: skip
    assert response.status_code == 200, response.text
    with database.unit_of_work() as session:
        assert sends_of(session, "2027-02") == []
    assert send_due(database, clock, config) == 1
    assert send_due(database, clock, config) == 0  # a second run, or a second worker
    assert len(box.messages) == 1 and box.messages[0].rcpt_tos == ["boss@op.cn"]
    with database.unit_of_work() as session:
        [send] = sends_of(session, "2027-02")
        assert send.schedule_key == "2027-02" and send.sent_at is not None
        assert send.recipients == ["boss@op.cn"]


def test_a_failed_send_is_tried_again(
    client: TestClient, database: Database, clock: FixedClock, settings: Settings,
    as_user: Personas, mailbox: tuple[Mailbox, int],
) -> None:  # fmt: skip
    box, port = mailbox
    client.put(f"/api/v1/settings/{KEY}", json={"value": ["boss@op.cn"]},
               headers=as_user.headers("admin"))  # fmt: skip
    clock.advance(MARCH_FIRST - clock.now())
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": closed})
    assert send_due(database, clock, down) == 0
    with database.unit_of_work() as session:
        assert sends_of(session, "2027-02") == []  # the claim was given back
    up = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port})
    assert send_due(database, clock, up) == 1 and len(box.messages) == 1
