"""The supervisors' dashboard shows the self-service bot's containment live, in both
languages: conversations answered by the bot, answers rated not helpful, conversations handed
over to agents (asked by issue #15)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from tests.channels.helpers import a_customer
from tests.console.helpers import sign_in


def _chat(client: TestClient, message: str, msisdn: str) -> str:
    said = client.post("/api/v1/assist/chat", json={"message": message, "msisdn": msisdn})
    assert said.status_code == 200, said.text
    return str(said.json()["session_id"])


def _row(html: str, key: str) -> list[str]:
    row = html[html.index(f'id="bot-{key}"') :]
    row = row[: row.index("</tr>")]
    return re.findall(r"<td>([^<]*)</td>", row)


def _figures(client: TestClient) -> dict[str, str]:
    html = client.get("/console/dashboard").text  # Chinese by default
    keys = ("started", "contained", "not-helpful", "handed-over", "rate")
    return {key: _row(html, key)[0] for key in keys}


def test_the_bot_figures_count_todays_conversations(client: TestClient, database: Database) -> None:
    sign_in(client, "supervisor")
    before = _figures(client)
    answered = _chat(client, "彩铃怎么取消", a_customer(database).msisdn)
    rated = client.post("/api/v1/assist/feedback", json={"session_id": answered, "helpful": False})
    assert rated.status_code == 204, rated.text
    _chat(client, "转人工", a_customer(database, 1).msisdn)
    after = _figures(client)
    added = {k: int(after[k]) - int(before[k]) for k in after if k != "rate"}
    assert added == {"started": 2, "contained": 1, "not-helpful": 1, "handed-over": 1}
    rate = round(100.0 * int(after["contained"]) / int(after["started"]), 1)
    assert after["rate"] == f"{rate}%"
    html = client.get("/console/dashboard").text
    assert "自助机器人" in html and "机器人自助解决率" in html
    assert 'aria-label="今日自助机器人"' in html  # the chart
    english = client.get("/console/dashboard", params={"lang": "en"}).text
    assert "Self-service bot" in english and "Answered by the bot" in english
    assert 'aria-label="Self-service bot today"' in english


def test_the_bot_figures_are_refused_to_an_agent(client: TestClient) -> None:
    sign_in(client, "agent")
    assert client.get("/console/dashboard").status_code == 403
