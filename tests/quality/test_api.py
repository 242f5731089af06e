"""Surveys through the API (CONTRACT §7): instruments, campaigns with invitations in the
outbox, one answer per token, results with intervals, detractors called back."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care.models import Notification
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.quality.conftest import invitations, token_for, token_of
from tests.support import Audience, Factory, Personas, assert_access, assert_problem

QA_AUDIENCE = Audience(allowed="qa", other_station=None, outsider="editor")


def _start(client: TestClient, as_user: Personas, body: dict[str, object]) -> dict[str, object]:
    response = client.post("/api/v1/surveys", json=body, headers=as_user.headers("qa"))
    assert response.status_code == 201, response.text
    found: dict[str, object] = response.json()
    return found


def test_instruments_hold_csat_nps_servqual_and_loyalty(
    client: TestClient, as_user: Personas
) -> None:
    response = assert_access(
        as_user.headers, lambda h: client.get("/api/v1/surveys/instruments", headers=h),
        QA_AUDIENCE,
    )  # fmt: skip
    found = {i["code"]: i for i in response.json()}
    assert {"csat", "nps", "servqual", "loyalty"} <= set(found)
    assert found["csat"]["items"] == [
        {"code": "csat", "text": found["csat"]["items"][0]["text"], "text_en":
         found["csat"]["items"][0]["text_en"], "dimension": "satisfaction", "min": 1, "max": 5,
         "reverse": False}
    ]  # fmt: skip
    assert [(i["min"], i["max"]) for i in found["nps"]["items"]] == [(0, 10)]
    servqual = found["servqual"]["items"]
    assert len(servqual) == 44 and servqual[5]["code"] == "E6" and servqual[5]["reverse"]
    assert {i["dimension"] for i in servqual} == {
        "tangibles", "reliability", "responsiveness", "assurance", "empathy",
    }  # fmt: skip


def test_a_campaign_invites_by_sms_with_a_personal_link(
    client: TestClient, as_user: Personas, factory: Factory, database: Database
) -> None:
    people = [factory.customer() for _ in range(3)]
    created = _start(client, as_user, {"instrument": "csat", "name": "十一月满意度",
                                       "msisdns": [p.msisdn for p in people]})  # fmt: skip
    assert created["invited"] == 3 and isinstance(created["id"], str)
    numbers = {p.msisdn for p in people}
    notices = [n for n in invitations(client, as_user) if n["msisdn"] in numbers]
    assert len(notices) == 3
    assert all(n["rule"] == "survey_invite" and token_of(n) for n in notices)
    assert len({token_of(n) for n in notices}) == 3
    assert all(n["text"].split()[0].endswith("/s/" + token_of(n)) for n in notices)
    with database.unit_of_work() as session:
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "survey.start"))


def test_agents_and_outsiders_may_not_start_surveys(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    body = {"instrument": "csat", "name": "x", "msisdns": [factory.customer().msisdn]}
    for user in ("agent", "editor"):
        assert_problem(
            client.post("/api/v1/surveys", json=body, headers=as_user.headers(user)), 403
        )
    assert_problem(client.post("/api/v1/surveys", json=body), 401)


def test_bad_campaigns_name_the_field(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    known = factory.customer().msisdn
    cases: list[tuple[dict[str, object], str | list[str | int]]] = [
        ({"instrument": "nope", "name": "x", "msisdns": [known]}, ["instrument"]),
        ({"instrument": "csat", "name": "x", "msisdns": [known, "19999999999"]},
         ["msisdns", 1]),
        ({"instrument": "csat", "name": "x", "msisdns": ["12"]}, ["msisdns", 0]),
        ({"instrument": "csat", "name": "x"}, "body"),
        ({"instrument": "csat", "name": "x", "sample": 0}, "sample"),
    ]  # fmt: skip
    for body, field in cases:
        response = client.post("/api/v1/surveys", json=body, headers=as_user.headers("qa"))
        assert_problem(response, 422, field=field)


def test_opted_out_customers_are_not_invited_and_quiet_hours_hold_the_sms(
    client: TestClient, as_user: Personas, factory: Factory, database: Database,
    clock: FixedClock,
) -> None:  # fmt: skip
    stays, declines = factory.customer(), factory.customer()
    put = client.put(f"/api/v1/customers/{declines.id}/opt-outs/survey_invite",
                     headers=as_user.headers("agent"))  # fmt: skip
    assert put.status_code == 204, put.text
    clock.advance(timedelta(hours=13))  # 23:00 in Shanghai: quiet hours
    created = _start(client, as_user, {"instrument": "nps", "name": "NPS",
                                       "msisdns": [stays.msisdn, declines.msisdn]})  # fmt: skip
    assert created["invited"] == 1
    with database.unit_of_work() as session:
        sent = session.scalars(
            select(Notification).where(
                Notification.rule == "survey_invite",
                Notification.msisdn.in_([stays.msisdn, declines.msisdn]),
            )
        )
        (only,) = list(sent)
    assert only.msisdn == stays.msisdn
    assert only.hold_reason == "quiet_hours" and only.send_after > clock.now()
    assert only.send_after.astimezone(factory.tz).hour == 8


def test_a_stratified_sample_is_spread_over_regions_and_reproducible(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    numbers = {}
    for region, count in (("岳阳市", 6), ("株洲市", 3)):
        for _ in range(count):
            numbers[factory.customer(region=region, segment="test-seg").msisdn] = region
    body = {"instrument": "csat", "name": "抽样", "sample": 6, "segment": "test-seg",
            "stratify": "region", "seed": 7}  # fmt: skip
    assert _start(client, as_user, body)["invited"] == 6
    first = [n["msisdn"] for n in invitations(client, as_user) if n["msisdn"] in numbers]
    assert sorted(numbers[m] for m in first) == ["岳阳市"] * 4 + ["株洲市"] * 2
    assert _start(client, as_user, body)["invited"] == 6
    both = [n["msisdn"] for n in invitations(client, as_user) if n["msisdn"] in numbers]
    assert sorted(both[:6]) == sorted(first)  # the same seed draws the same customers


def test_one_answer_per_token_and_bad_answers_name_the_item(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    person = factory.customer()
    _start(client, as_user, {"instrument": "servqual", "name": "SQ", "msisdns": [person.msisdn]})
    token = token_for(client, as_user, person.msisdn)
    answers = {f"{k}{n}": 5 for k in "EP" for n in range(1, 23)}
    missing = {k: v for k, v in answers.items() if k != "P7"}
    url = "/api/v1/survey-responses"
    assert_problem(client.post(url, json={"token": token, "answers": missing}), 422,
                   field=["answers", "P7"])  # fmt: skip
    assert_problem(client.post(url, json={"token": token, "answers": {**answers, "E3": 8}}), 422,
                   field=["answers", "E3"])  # fmt: skip
    created = client.post(url, json={"token": token, "answers": answers})
    assert created.status_code == 201, created.text
    assert created.json()["followup_ticket_id"] is None
    assert_problem(client.post(url, json={"token": token, "answers": answers}), 409)
    assert_problem(client.post(url, json={"token": "x" * 32, "answers": answers}), 404)


def test_a_link_expires_after_14_days(
    client: TestClient, as_user: Personas, factory: Factory, clock: FixedClock
) -> None:
    person = factory.customer()
    _start(client, as_user, {"instrument": "csat", "name": "x", "msisdns": [person.msisdn]})
    token = token_for(client, as_user, person.msisdn)
    clock.advance(timedelta(days=14))
    expired = client.post("/api/v1/survey-responses", json={"token": token, "answers": {"csat": 5}})
    assert_problem(expired, 409, detail_contains="expired")


def test_results_show_rate_scores_and_intervals(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    people = [factory.customer(region="长沙市" if i < 3 else "衡阳市") for i in range(5)]
    survey = _start(client, as_user, {"instrument": "csat", "name": "CSAT",
                                      "msisdns": [p.msisdn for p in people]})  # fmt: skip
    for person, score in zip(people[:4], (5, 4, 5, 3), strict=True):
        token = token_for(client, as_user, person.msisdn)
        body = {"token": token, "answers": {"csat": score}, "comment": "客服态度很好，网络信号不错"}
        assert client.post("/api/v1/survey-responses", json=body).status_code == 201
    url = f"/api/v1/surveys/{survey['id']}/results"
    found = assert_access(as_user.headers, lambda h: client.get(url, headers=h), QA_AUDIENCE).json()
    assert (found["invited"], found["responses"], found["response_rate"]) == (5, 4, 0.8)
    assert found["csat"] == 4.25
    assert found["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 2}
    assert found["csat_ci"]["low"] < 4.25 < found["csat_ci"]["high"]
    assert found["response_rate_ci"]["low"] < 0.8 < found["response_rate_ci"]["high"]
    assert {"term": "态度", "count": 4} in found["terms"]
    grouped = client.get(url, params={"by": "region"}, headers=as_user.headers("qa")).json()
    assert [(g["key"], g["invited"], g["responses"]) for g in grouped["groups"]] == [
        ("衡阳市", 2, 1), ("长沙市", 3, 3),
    ]  # fmt: skip
    bad = client.get(url, params={"by": "colour"}, headers=as_user.headers("qa"))
    assert_problem(bad, 422, field=["query", "by"])


def test_servqual_and_nps_results(client: TestClient, as_user: Personas, factory: Factory) -> None:
    a, b = factory.customer(), factory.customer()
    sq = _start(client, as_user, {"instrument": "servqual", "name": "SQ",
                                  "msisdns": [a.msisdn, b.msisdn]})  # fmt: skip
    expect_high = {f"E{n}": 7 for n in range(1, 23)} | {f"P{n}": 5 for n in range(1, 23)}
    for person in (a, b):
        token = token_for(client, as_user, person.msisdn)
        posted = client.post("/api/v1/survey-responses",
                             json={"token": token, "answers": expect_high})  # fmt: skip
        assert posted.status_code == 201, posted.text
    found = client.get(f"/api/v1/surveys/{sq['id']}/results", headers=as_user.headers("qa")).json()
    # plain items: 5 − 7 = −2; reverse items: (8 − 5) − (8 − 7) = +2
    assert found["dimensions"]["tangibles"] == {"expectation": 7.0, "perception": 5.0, "gap": -2.0}
    assert found["dimensions"]["responsiveness"] == {
        "expectation": 1.0, "perception": 3.0, "gap": 2.0,
    }  # fmt: skip
    assert found["sq"] == 13 * -2 + 9 * 2


def test_a_detractor_gets_a_complaint_ticket_with_a_48_hour_promise(
    client: TestClient, as_user: Personas, factory: Factory, clock: FixedClock
) -> None:
    unhappy, happy = factory.customer(), factory.customer()
    _start(client, as_user, {"instrument": "nps", "name": "NPS",
                             "msisdns": [unhappy.msisdn, happy.msisdn]})  # fmt: skip
    url = "/api/v1/survey-responses"
    low = client.post(url, json={"token": token_for(client, as_user, unhappy.msisdn),
                                 "answers": {"nps": 3}})  # fmt: skip
    high = client.post(url, json={"token": token_for(client, as_user, happy.msisdn),
                                  "answers": {"nps": 7}})  # fmt: skip
    assert high.json()["followup_ticket_id"] is None
    ticket_id = low.json()["followup_ticket_id"]
    assert ticket_id is not None
    ticket = client.get(f"/api/v1/tickets/{ticket_id}", headers=as_user.headers("supervisor"))
    body = ticket.json()
    assert (body["type"], body["customer_id"], body["status"]) == ("complaint", unhappy.id, "new")
    assert "NPS 3" in body["description"]
    due = body["resolution_due_at"]
    from datetime import datetime

    assert datetime.fromisoformat(due) - clock.now() == timedelta(hours=48)
