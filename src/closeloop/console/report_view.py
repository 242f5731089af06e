"""The monthly or quarterly report drawn (月度/季度报告): the charts and the context the printable
page, the self-contained HTML file and the e-mail (HTML and plain text) share."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from closeloop.console import charts, i18n
from closeloop.console.pickers import station_names
from closeloop.console.web import environment
from closeloop.kpis.monthly_report import MonthlyReport
from closeloop.kpis.review import Bar
from closeloop.kpis.scoring import achievement

TOP = 12  # bars drawn; the tables list them all
STYLES = ("console.css", "kpis.css", "kpi_report.css")  # inlined into the file and the mail


def _pareto(bars: list[Bar], title: str, share_label: str) -> object:
    shown = [(b.name or "—", b.count) for b in bars if b.count][:TOP]
    return charts.pareto_chart(
        shown, sum(b.count for b in bars), title=title, share_label=share_label
    )


def _against_target(report: MonthlyReport, title: str) -> object:
    """Each KPI's distance from its target in per cent, better to the right."""
    items = []
    for line in report.kpis:
        reached = achievement(line.direction, line.value, line.target)
        if reached is not None:
            items.append((line.name, round((reached - 1) * 100, 1)))
    return charts.diverging_bars(items, title=title, limit=20.0)


def context(report: MonthlyReport, session: Session) -> dict[str, Any]:
    """What the report templates draw, in the report's language."""
    _ = i18n.translations(report.language).gettext
    names = station_names(session, report.language)
    share = _("Cumulative share")
    data = report.as_dict()
    cards = report.scorecards.cards
    return {
        "report": data,
        "named": report.period,
        "names": names,
        "kpi_chart": _against_target(report, _("How far each KPI is from its target, in per cent")),
        "score_chart": charts.bar_chart(
            [(names.get(c.unit, c.unit), round(c.score)) for c in cards if c.score is not None],
            title=_("Scorecard score by station"),
        ),
        "category_chart": _pareto(
            report.problems.categories, _("Tickets by problem category"), share
        ),
        "cause_chart": _pareto(report.problems.causes, _("Closed tickets by cause"), share),
        "region_chart": charts.bar_chart(
            [(b.name or "—", b.count) for b in report.problems.regions if b.count][:TOP],
            title=_("Tickets by region"),
        ),
    }


def styles() -> str:
    """The stylesheets a report outside the console carries inline."""
    folder = resources.files("closeloop.console") / "static"
    return "\n".join((folder / name).read_text(encoding="utf-8") for name in STYLES)


def _render(template: str, report: MonthlyReport, session: Session) -> str:
    catalogue = i18n.translations(report.language)
    return (
        environment()
        .get_template(template)
        .render(
            lang=report.language,
            _=catalogue.gettext,
            ngettext=catalogue.ngettext,
            css=styles(),
            **context(report, session),
        )
    )


def html_file(report: MonthlyReport, session: Session) -> str:
    """The report as one self-contained HTML document (styles and charts inline)."""
    return _render("kpi_report_file.html", report, session)


def plain_text(report: MonthlyReport, session: Session) -> str:
    """The report as plain text (the mail's other part)."""
    return _render("kpi_report.txt", report, session)


def subject(report: MonthlyReport) -> str:
    """The mail's subject line."""
    _ = i18n.translations(report.language).gettext
    if report.period.kind == "quarter":
        return _("CloseLoop quarterly report %(period)s") % {"period": report.period.name}
    return _("CloseLoop monthly report %(period)s") % {"period": report.period.name}
