"""The printable monthly or quarterly report on the console (月度/季度报告): KPIs against their
targets, the scorecard ranking, the Pareto of problems and the hotspot regions, with charts;
and the same report as a PDF to download (`/console/kpis/report.pdf`, the page's query)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response

from closeloop.console import report_pdf, report_view
from closeloop.console.page import Page
from closeloop.kit.errors import InvalidInput
from closeloop.kpis.monthly_report import monthly_report, parse_period
from closeloop.kpis.named_periods import NamedPeriod, month_of

router = APIRouter(include_in_schema=False)


def chosen(page: Page, text: str) -> NamedPeriod:
    """The month or quarter asked for; last month when none or not one."""
    if text:
        try:
            return parse_period(text)
        except InvalidInput:
            pass
    return month_of(page.work.today()).previous()


@router.get("/console/kpis/report", response_class=HTMLResponse)
def report_page(page: Page, period: str = "") -> HTMLResponse:
    """A month's or quarter's report, ready to print on A4."""
    page.needs("kpis.read")
    named = chosen(page, period)
    report = monthly_report(page.work, named, page.language)
    return page.render(
        "kpi_report.html",
        previous_name=named.previous().name,
        next_name=named.next().name,
        **report_view.context(report, page.session),
    )


@router.get("/console/kpis/report.pdf")
def report_pdf_download(page: Page, period: str = "") -> Response:
    """The same report as an A4 PDF file, in the page's language."""
    page.needs("kpis.read")
    report = monthly_report(page.work, chosen(page, period), page.language)
    try:
        body = report_pdf.pdf_file(report, page.session)
    except report_pdf.PdfUnavailable as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from exc
    disposition = f'attachment; filename="{report_pdf.file_name(report)}"'
    return Response(body, media_type=report_pdf.MEDIA_TYPE,
                    headers={"Content-Disposition": disposition})  # fmt: skip
