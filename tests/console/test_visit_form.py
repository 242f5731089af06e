"""The ticket page's technician visit form (上门预约): the station sets and moves the window;
a window outside its hours shows the form again naming the field, in Chinese."""

from __future__ import annotations

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.ticket_helpers import action_form, as_user, hidden_fields
from tests.support.demo import AGENT, STATION
from tests.tickets.helpers import Desk


def _post(client: TestClient, ticket_id: str, **fields: str) -> tuple[int, str]:
    page = client.get(f"/console/tickets/{ticket_id}").text
    data = {**hidden_fields(action_form(page, "appointment")), **fields}
    sent = client.post(
        f"/console/tickets/{ticket_id}/appointment", data=data, follow_redirects=False
    )
    return sent.status_code, sent.headers.get("location", "") or sent.text


def test_the_station_sets_and_moves_the_visit_from_the_ticket_page(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    ticket = Desk(client, database, clock).walk("in_progress")
    as_user(client, STATION)

    status, where = _post(
        client, ticket["id"], visit_date="2026-11-23", visit_from="14:00", visit_to="16:00"
    )

    assert (status, where) == (303, f"/console/tickets/{ticket['id']}?done=appointment")
    page = client.get(where).text
    assert "已完成：上门预约" in page and "11-23 14:00–16:00" in page
    assert "改约上门时间" in page
    moved, _ = _post(
        client, ticket["id"], visit_date="2026-11-24", visit_from="09:00", visit_to="10:00"
    )
    assert moved == 303
    assert "11-24 09:00–10:00" in client.get(f"/console/tickets/{ticket['id']}").text


def test_a_refused_window_shows_the_form_again_naming_the_field(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    ticket = Desk(client, database, clock).walk("in_progress")
    as_user(client, STATION)

    status, page = _post(
        client, ticket["id"], visit_date="2026-11-23", visit_from="18:00", visit_to="19:00"
    )
    assert status == 422
    assert 'id="appointment-visit_from-error"' in page and "上门时段必须在工位的营业时间内" in page
    assert 'value="18:00"' in page
    status, page = _post(client, ticket["id"], visit_date="明天", visit_from="9", visit_to="")
    assert status == 422 and "请选择上门日期。" in page and "请按 时:分 填写时间。" in page


def test_the_front_line_gets_no_visit_form(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    ticket = Desk(client, database, clock).walk("in_progress")
    as_user(client, AGENT)
    assert 'id="form-appointment"' not in client.get(f"/console/tickets/{ticket['id']}").text
