"""KPI values on hand-built histories: each contract KPI's numerator and denominator, the
groupings, rollups equal to recomputation, and the values an outside check recomputes from the
API's ticket histories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.kpis.reference import reference
from tests.support import assert_problem, error_locs
from tests.tickets.helpers import Desk

# A Monday far from the demo's tickets: 2027-01-18 09:00 in Shanghai.
DAY = date(2027, 1, 18)
START = datetime(2027, 1, 18, 1, 0, tzinfo=UTC)
FROM, TO = "2027-01-18", "2027-02-01"
CONTRACT = ("fcr", "preprocessing_rate", "misroute_rate", "reopen_rate", "callback_satisfaction",
            "complaints_per_10k", "sla_attainment", "avg_resolution_hours")  # fmt: skip


class Story:
    """Tickets walked through the API with the clock moving between steps."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.ids: list[str] = []

    def ticket(self, steps: list[tuple[str, str, dict[str, Any]]], **overrides: Any) -> str:
        ticket = self.desk.create(**overrides)
        self.ids.append(ticket["id"])
        for action, user, body in steps:
            self.desk.advance(timedelta(minutes=30))
            self.desk.do(ticket["id"], action, user, **body)
        self.desk.advance(timedelta(minutes=30))
        return str(ticket["id"])


def _values(client: TestClient, desk: Desk, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/kpis/values", params=params, headers=desk.headers("supervisor"))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _whole(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in items if i["group"] is None}


@pytest.fixture
def story(client: TestClient, database: Database, clock: FixedClock) -> Story:
    """Four tickets on 2027-01-18 and 2027-01-28 covering every contract KPI."""
    clock.advance(START - clock.now())
    story = Story(Desk(client, database, clock))
    # resolved on first contact: fcr, pre-processed
    story.ticket([("resolve", "agent", {})])
    # a complaint cancelled at once
    story.ticket([("cancel", "agent", {})], type="complaint")
    # misrouted to field, returned, sent to wireless, replied, unsatisfied, replied, satisfied
    story.ticket([
        ("escalate", "agent", {}),
        ("dispatch", "expert", {"station": "field"}),
        ("return", "field", {}),
        ("dispatch", "expert", {"station": "wireless"}),
        ("accept", "wireless", {}),
        ("reply", "wireless", {}),
        ("callback", "callback", {"satisfaction": "unsatisfied", "score": 2}),
        ("dispatch", "expert", {"station": "wireless"}),
        ("accept", "wireless", {}),
        ("reply", "wireless", {}),
        ("callback", "callback", {"satisfaction": "basically_satisfied", "score": 4}),
    ])  # fmt: skip
    # accepted, then left for ten days: the station misses its time limit
    late = story.ticket([("escalate", "agent", {}), ("dispatch", "expert", {}),
                         ("accept", "wireless", {})])  # fmt: skip
    story.desk.advance(timedelta(days=10))
    story.desk.do(late, "reply", "wireless")
    story.desk.advance(timedelta(minutes=30))
    story.desk.do(late, "callback", "callback", reached=False)
    story.desk.advance(timedelta(minutes=30))
    story.desk.do(late, "callback", "callback")
    return story


def _customers(database: Database, day: date) -> int:
    with database.unit_of_work() as session:
        query = select(func.count()).select_from(Customer).where(Customer.join_date <= day)
        return int(session.scalar(query) or 0)


def test_each_contract_kpi_counts_the_events_of_its_definition(
    client: TestClient, story: Story, database: Database
) -> None:
    found = _whole(_values(client, story.desk, **{"from": FROM, "to": TO}))
    pairs = {code: (found[code]["numerator"], found[code]["denominator"]) for code in CONTRACT}
    customers = _customers(database, date(2027, 1, 31))
    assert pairs["fcr"] == (1, 4)
    assert pairs["preprocessing_rate"] == (1, 3)  # three closes, one never dispatched
    assert pairs["misroute_rate"] == (1, 4)  # one return of four dispatches
    assert pairs["reopen_rate"] == (1, 3)  # the unsatisfied callback
    assert pairs["callback_satisfaction"] == (2, 3)  # the unreached callback is not counted
    assert pairs["complaints_per_10k"] == (10000, customers)
    assert pairs["sla_attainment"] == (3, 4)  # return, two replies in time; the late reply
    assert found["fcr"]["value"] == 0.25
    assert found["complaints_per_10k"]["value"] == pytest.approx(10000 / customers, abs=1e-6)
    hours = found["avg_resolution_hours"]
    assert hours["denominator"] == 3
    # half an hour (resolve), 5.5 h (eleven steps), 10 days and 3 h
    assert hours["numerator"] == pytest.approx(0.5 + 5.5 + 240 + 3)


def test_values_equal_what_the_api_histories_give(
    client: TestClient, story: Story, database: Database
) -> None:
    tickets = [story.desk.get(i) for i in story.ids]
    start = datetime(2027, 1, 17, 16, 0, tzinfo=UTC)
    for until in ("2027-01-19", TO):
        end = datetime.fromisoformat(until + "T00:00:00+08:00")
        expected = reference(tickets, start, end, _customers(database, end.date() - timedelta(1)))
        for exact in (False, True):
            params = {"from": FROM, "to": until, "codes": ",".join(CONTRACT), "exact": exact}
            found = _whole(_values(client, story.desk, **params))
            for code in CONTRACT:
                n, d = expected[code]
                assert found[code]["numerator"] == pytest.approx(n), (code, until, exact)
                assert found[code]["denominator"] == pytest.approx(d), (code, until, exact)


def test_grouped_values_add_up_to_the_whole(client: TestClient, story: Story) -> None:
    whole = _whole(_values(client, story.desk, **{"from": FROM, "to": TO}))
    for by in ("station", "region", "channel", "category", "agent", "day", "week", "month"):
        for exact in (False, True):
            items = _values(
                client, story.desk, **{"from": FROM, "to": TO, "by": by, "exact": exact}
            )
            for code in ("fcr", "misroute_rate", "sla_attainment", "avg_resolution_hours"):
                mine = [i for i in items if i["code"] == code]
                assert sum(i["denominator"] or 0 for i in mine) == whole[code]["denominator"]
                assert sum(i["numerator"] or 0 for i in mine) == pytest.approx(
                    whole[code]["numerator"]
                ), (by, code, exact)


def test_grouped_by_station_charges_the_stay(client: TestClient, story: Story) -> None:
    items = _values(client, story.desk, **{"from": FROM, "to": TO, "by": "station",
                                            "codes": "misroute_rate,sla_attainment"})  # fmt: skip
    by = {(i["code"], i["group"]): (i["numerator"], i["denominator"]) for i in items}
    assert by[("misroute_rate", "field")] == (1, 1)
    assert by[("misroute_rate", "wireless")] == (0, 3)
    assert by[("sla_attainment", "field")] == (1, 1)  # returned in time
    assert by[("sla_attainment", "wireless")] == (2, 3)


def test_days_without_events_show_no_data_not_zero(client: TestClient, story: Story) -> None:
    items = _values(client, story.desk, **{"from": FROM, "to": "2027-01-21", "by": "day",
                                            "codes": "fcr"})  # fmt: skip
    assert [i["group"] for i in items] == ["2027-01-18", "2027-01-19", "2027-01-20"]
    assert items[0]["value"] == 0.25
    assert items[1]["value"] is None and items[1]["denominator"] == 0


def test_quality_kpis_have_no_data_without_answers_or_reviews(
    client: TestClient, story: Story
) -> None:
    found = _whole(
        _values(client, story.desk, **{"from": FROM, "to": TO, "codes": "csat,nps,qa_score"})
    )
    assert {c: found[c]["value"] for c in found} == {"csat": None, "nps": None, "qa_score": None}


def test_handling_time_comes_from_the_contacts(client: TestClient, story: Story) -> None:
    desk = story.desk
    customer = desk.customer_id()
    for seconds in (120, 300):
        body = {"channel": "hotline", "summary": "来电", "duration_seconds": seconds,
                "started_at": (desk.clock.now() - timedelta(hours=1)).isoformat()}  # fmt: skip
        response = client.post(f"/api/v1/customers/{customer}/contacts", json=body,
                                headers=desk.headers("agent"))  # fmt: skip
        assert response.status_code == 201, response.text
    found = _whole(_values(client, desk, **{"from": FROM, "to": TO, "codes": "aht,asa"}))
    assert (found["aht"]["numerator"], found["aht"]["denominator"]) == (420, 2)
    assert found["aht"]["value"] == 210
    assert found["asa"]["denominator"] == 4 and found["asa"]["value"] == 30  # minutes


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"codes": "fcr,nope"}, ["query", "codes"]),
        ({"by": "planet"}, ["query", "by"]),
        ({"from": "2027-02-01", "to": "2027-01-01"}, ["query", "from"]),
    ],
)
def test_bad_queries_name_the_field(
    client: TestClient,
    database: Database,
    clock: FixedClock,
    params: dict[str, str],
    loc: list[str],
) -> None:
    desk = Desk(client, database, clock)
    response = client.get("/api/v1/kpis/values", params=params, headers=desk.headers("supervisor"))
    assert loc in error_locs(assert_problem(response, 422))


def test_front_line_and_stations_may_not_read_kpis(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    for user in ("agent", "wireless", "callback"):
        assert client.get("/api/v1/kpis/values", headers=desk.headers(user)).status_code == 403
    assert_problem(client.get("/api/v1/kpis/values"), 401)
    assert client.get("/api/v1/kpis/values", headers=desk.headers("admin")).status_code == 200
