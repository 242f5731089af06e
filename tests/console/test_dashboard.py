"""The supervisor's dashboard: figures that match the tickets, a Pareto chart, refused to agents."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import Category
from closeloop.tickets.models import Ticket, TicketEvent
from tests.console.helpers import sign_in

DAY_START = datetime(2026, 11, 22, 16, 0, tzinfo=UTC)  # Monday 00:00 in Shanghai
WEEK_START = datetime(2026, 11, 16, 16, 0, tzinfo=UTC)  # the Tuesday before, 00:00


def _tile(html: str, key: str) -> tuple[str, int, int]:
    """The value a KPI tile shows, and its count and total."""
    start = html.index(f'id="kpi-{key}"')
    tile = html[start : html.index("</div>\n</div>", start)]
    value = re.search(r'class="value">([^<]+)<', tile)
    count = re.search(r'class="kpi-count">(\d+)<', tile)
    total = re.search(r'class="kpi-total">(\d+)<', tile)
    assert value and count and total, tile
    return value.group(1).strip(), int(count.group(1)), int(total.group(1))


def _percent(count: int, total: int) -> str:
    return f"{round(100.0 * count / total, 1)}%"


def test_the_figures_match_the_tickets_of_today_and_the_week(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    now = clock.now()
    with database.unit_of_work(write=False) as session:
        tickets = session.execute(
            select(
                Ticket.created_at,
                Ticket.status,
                Ticket.dispatched_at,
                Ticket.first_contact_resolved,
                Ticket.reopen_count,
            )
        ).all()
        callbacks = session.execute(
            select(TicketEvent.to_status).where(
                TicketEvent.action == "callback", TicketEvent.at >= WEEK_START
            )
        ).all()
    today = [t for t in tickets if DAY_START <= t.created_at < now]
    week = [t for t in tickets if WEEK_START <= t.created_at < now]
    kept_today = [t for t in today if t.status != "cancelled"]
    kept_week = [t for t in week if t.status != "cancelled"]
    assert today and kept_week  # the demo has work today

    sign_in(client, "supervisor")
    page = client.get("/console/dashboard?lang=en")
    assert page.status_code == 200
    html = page.text
    assert '<meta http-equiv="refresh" content="60">' in html
    assert "As of" in html and "2026-11-23 10:00" in html

    opened = re.search(r'id="kpi-opened">.*?class="value">(\d+)<', html, re.S)
    assert opened and int(opened.group(1)) == len(today)

    preprocessed = [t for t in kept_today if t.status == "closed" and t.dispatched_at is None]
    assert _tile(html, "preprocessing-today") == (
        _percent(len(preprocessed), len(kept_today)),
        len(preprocessed),
        len(kept_today),
    )
    preprocessed_week = [t for t in kept_week if t.status == "closed" and t.dispatched_at is None]
    value, count, total = _tile(html, "preprocessing-week")
    assert (count, total) == (len(preprocessed_week), len(kept_week))
    assert value == _percent(count, total)

    solved = [t for t in kept_week if t.first_contact_resolved and t.reopen_count == 0]
    assert _tile(html, "fcr-week")[1:] == (len(solved), len(kept_week))

    outcomes = Counter(c.to_status for c in callbacks)
    reached = outcomes["closed"] + outcomes["expert"]
    assert _tile(html, "satisfaction") == (
        _percent(outcomes["closed"], reached),
        outcomes["closed"],
        reached,
    )


def test_the_pareto_chart_has_ten_bars_biggest_first(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work(write=False) as session:
        parents = dict(session.execute(select(Category.code, Category.parent)).all())
        names = dict(session.execute(select(Category.code, Category.name)).all())
        created = session.execute(select(Ticket.category, Ticket.created_at)).all()
    groups = Counter(
        parents[c] or c for c, at in created if WEEK_START <= at < clock.now()
    ).most_common()
    biggest = groups[0][1]
    sign_in(client, "supervisor")
    html = client.get("/console/dashboard?lang=en").text
    chart = html[html.index('<figure id="pareto">') : html.index("</figure>", html.index("pareto"))]
    assert '<svg class="chart" role="img" aria-label="Tickets by category, last 7 days"' in chart
    assert chart.count('class="pareto-bar"') == 10
    assert "<polyline" in chart  # the cumulative share line
    table = html[html.index('id="pareto-table"') :]
    first = re.search(r"<td>1</td><th scope=\"row\"><a [^>]+>([^<]+)</a></th><td>(\d+)</td>", table)
    assert first and int(first.group(2)) == biggest
    assert first.group(1) in {names[code] for code, n in groups if n == biggest}


def test_station_overdue_hotspots_and_overtime_are_shown(client: TestClient) -> None:
    sign_in(client, "supervisor")
    html = client.get("/console/dashboard").text  # Chinese by default
    assert "运营监控看板" in html and "预处理率" in html and "一次解决率" in html
    assert 'id="station-load"' in html and 'href="/console?queue=all&amp;station=' in html
    assert 'id="regions"' in html and 'id="overtime-table"' in html
    assert "无线中心" in html


def test_the_dashboard_is_refused_to_an_agent(client: TestClient) -> None:
    sign_in(client, "agent")
    page = client.get("/console/dashboard")
    assert page.status_code == 403
    assert "无权操作" in page.text
    assert 'href="/console/dashboard"' not in client.get("/console").text
