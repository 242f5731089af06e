"""The monthly or quarterly report as a PDF (报告 PDF): the very HTML file the report is written
as (`report_view.html_file`: the page's body, its A4 print styles and SVG charts inline) laid
out on A4 by WeasyPrint, offline — the file fetches nothing, Chinese text in the fonts
fontconfig finds (scripts/ensure-pdf-libs installs Pango and a CJK font on a fresh machine)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from closeloop.console import report_view
from closeloop.kpis.monthly_report import MonthlyReport

MEDIA_TYPE = "application/pdf"


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here: Pango or HarfBuzz is missing (scripts/ensure-pdf-libs)."""


def _weasyprint() -> Any:
    try:
        import weasyprint  # loads Pango through cffi: only when a PDF is asked for
    except OSError as exc:  # the Python package is there, the system libraries are not
        raise PdfUnavailable(f"PDF needs Pango (scripts/ensure-pdf-libs): {exc}") from exc
    return weasyprint


def render(html: str) -> bytes:
    """A self-contained HTML document laid out for print as PDF bytes; nothing is fetched."""
    weasyprint = _weasyprint()
    offline = weasyprint.urls.URLFetcher(allowed_protocols=("data",))  # no file:, no network
    document = weasyprint.HTML(string=html, url_fetcher=offline, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf


def pdf_file(report: MonthlyReport, session: Session) -> bytes:
    """The report as a PDF: the same document as `closeloop report monthly --html`."""
    return render(report_view.html_file(report, session))


def file_name(report: MonthlyReport) -> str:
    """The name a download or an attachment carries, e.g. closeloop-report-2027-02.pdf."""
    return f"closeloop-report-{report.period.name}.pdf"
