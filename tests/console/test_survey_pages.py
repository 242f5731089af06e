"""Survey pages: the public questionnaire at /s/{token} (no sign-in, masked number only, one
answer), the results page with the SERVQUAL gap chart, CSV and XLSX export."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.console.helpers import sign_in
from tests.quality.conftest import token_for
from tests.support import Factory, Personas


def _survey(client: TestClient, as_user: Personas, instrument: str, msisdns: list[str]) -> str:
    body = {"instrument": instrument, "name": "页面测试", "msisdns": msisdns}
    response = client.post("/api/v1/surveys", json=body, headers=as_user.headers("qa"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_public_page_asks_without_sign_in_and_shows_only_the_masked_number(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    person = factory.customer(name="张三丰")
    _survey(client, as_user, "csat", [person.msisdn])
    token = token_for(client, as_user, person.msisdn)
    client.cookies.clear()
    page = client.get(f"/s/{token}")
    assert page.status_code == 200
    masked = person.msisdn[:3] + "****" + person.msisdn[-4:]
    assert masked in page.text
    assert person.msisdn not in page.text and "张三丰" not in page.text
    assert 'name="csat"' in page.text and 'value="5"' in page.text
    assert 'name="viewport"' in page.text and "style=" not in page.text
    empty = client.post(f"/s/{token}", data={"comment": "还行"})
    assert empty.status_code == 422 and 'id="e-csat"' in empty.text
    done = client.post(f"/s/{token}", data={"csat": "4", "comment": "还行"})
    assert done.status_code == 200 and "感谢" in done.text
    again = client.get(f"/s/{token}")
    assert again.status_code == 409 and "已" in again.text
    assert client.get("/s/nothing-here-at-all").status_code == 404
    english = client.get(f"/s/{token}?lang=en")
    assert "already been answered" in english.text


def test_results_page_draws_the_servqual_gaps_and_exports(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    people = [factory.customer(), factory.customer()]
    survey = _survey(client, as_user, "servqual", [p.msisdn for p in people])
    answers = {f"E{n}": 6 for n in range(1, 23)} | {f"P{n}": 4 for n in range(1, 23)}
    token = token_for(client, as_user, people[0].msisdn)
    posted = client.post("/api/v1/survey-responses", json={"token": token, "answers": answers})
    assert posted.status_code == 201
    sign_in(client, "agent")
    assert client.get(f"/console/surveys/{survey}").status_code == 403
    client.cookies.clear()
    sign_in(client, "qa")
    listing = client.get("/console/surveys")
    assert listing.status_code == 200 and f"/console/surveys/{survey}" in listing.text
    page = client.get(f"/console/surveys/{survey}")
    assert page.status_code == 200
    assert "<svg" in page.text and "服务质量差距" in page.text and "有形性" in page.text
    assert "95%" in page.text and "50.0 %" in page.text
    grouped = client.get(f"/console/surveys/{survey}?by=region")
    assert grouped.status_code == 200 and "长沙市" in grouped.text
    csv_text = client.get(f"/console/surveys/{survey}/export.csv").text
    lines = csv_text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("invitation,msisdn,region") and len(lines) == 3
    assert people[0].msisdn not in csv_text and people[0].msisdn[-4:] in csv_text
    xlsx = client.get(f"/console/surveys/{survey}/export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[0][0] == "invitation"
    answered = next(r for r in rows[1:] if r[9] is not None)
    assert answered[9] == 6  # E1


def test_qa_starts_a_campaign_from_the_list_page_and_bad_fields_are_named(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    people = [factory.customer(region="岳阳市") for _ in range(3)]
    csrf = sign_in(client, "qa")
    form = client.get("/console/surveys")
    assert 'action="/console/surveys"' in form.text and "发起满意度调查" in form.text
    base = {"csrf_token": csrf, "instrument": "csat", "name": "十二月回访"}
    refused = client.post("/console/surveys", data={**base, "audience": "sample", "sample": "x"})
    assert refused.status_code == 422 and "十二月回访" in refused.text
    unknown = {**base, "audience": "numbers", "msisdns": "13000000000"}
    assert client.post("/console/surveys", data=unknown).status_code == 422
    numbers = "\n".join(p.msisdn for p in people[:2])
    started = client.post(
        "/console/surveys", data={**base, "audience": "numbers", "msisdns": numbers},
        follow_redirects=False,
    )  # fmt: skip
    assert started.status_code == 303, started.text
    sampled = client.post(
        "/console/surveys",
        data={**base, "name": "抽样", "audience": "sample", "sample": "2", "region": "岳阳市"},
        follow_redirects=False,
    )
    assert sampled.status_code == 303, sampled.text
    for person in people[:2]:
        assert token_for(client, as_user, person.msisdn)
    listed = client.get("/api/v1/surveys", headers=as_user.headers("qa")).json()["items"]
    assert {"十二月回访", "抽样"} <= {s["name"] for s in listed}


def test_only_who_may_start_surveys_gets_the_form(client: TestClient) -> None:
    csrf = sign_in(client, "agent")
    denied = client.post("/console/surveys", data={"csrf_token": csrf, "name": "x"})
    assert denied.status_code == 403
