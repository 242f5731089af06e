"""Articles through the API: who may write, review, publish and retire; versions and rollback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from tests.knowledge.helpers import KB, PROBLEM_JSON, act, create, publish, search_ids
from tests.support import NOW, Personas


def audit_actions(database: Database, article_id: str) -> list[str]:
    with database.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_type == "kb_article", AuditEntry.entity_id == article_id)
                .order_by(AuditEntry.id)
            )
        )


def test_editor_drafts_and_submits_supervisor_approves_and_publishes(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    article = create(client, as_user)
    assert article["status"] == "draft" and article["live_version"] is None
    assert article["allowed_actions"] == ["submit"]

    assert act(client, as_user, article["id"], "submit", "editor").json()["status"] == "review"
    assert (
        act(client, as_user, article["id"], "approve", "supervisor").json()["status"] == "approved"
    )
    published = act(client, as_user, article["id"], "publish", "supervisor").json()

    assert published["status"] == "published" and published["live_version"] == 1
    assert audit_actions(database, article["id"]) == [
        "kb.create",
        "kb.submit",
        "kb.approve",
        "kb.publish",
    ]


@pytest.mark.parametrize(
    ("action", "who"), [("approve", "editor"), ("publish", "editor"), ("approve", "agent")]
)
def test_roles_that_may_not_take_a_step_are_refused(
    client: TestClient, as_user: Personas, action: str, who: str
) -> None:
    article = create(client, as_user)
    act(client, as_user, article["id"], "submit", "editor")
    if action == "publish":
        act(client, as_user, article["id"], "approve", "supervisor")

    response = act(client, as_user, article["id"], action, who)

    assert response.status_code in (403, 404)
    assert response.headers["content-type"].startswith(PROBLEM_JSON)


def test_agents_cannot_write_articles_or_see_drafts(client: TestClient, as_user: Personas) -> None:
    article = create(client, as_user)
    assert (
        client.post(
            f"{KB}/articles",
            json={"category": "sms", "question": "问", "answer": "答"},
            headers=as_user.headers("agent"),
        ).status_code
        == 403
    )
    assert (
        client.get(f"{KB}/articles/{article['id']}", headers=as_user.headers("agent")).status_code
        == 404
    )


def test_a_step_out_of_order_is_409_with_what_is_allowed(
    client: TestClient, as_user: Personas
) -> None:
    article = create(client, as_user)

    response = act(client, as_user, article["id"], "publish", "supervisor")

    assert response.status_code == 409
    body = response.json()
    assert body["from_status"] == "draft" and body["allowed"] == ["submit"]


def test_rejecting_needs_a_reason_and_sends_the_article_back(
    client: TestClient, as_user: Personas
) -> None:
    article = create(client, as_user)
    act(client, as_user, article["id"], "submit", "editor")
    assert act(client, as_user, article["id"], "reject", "supervisor").status_code == 409

    rejected = act(client, as_user, article["id"], "reject", "supervisor", note="答案不完整")

    assert rejected.json()["status"] == "draft"
    assert rejected.json()["review_note"] == "答案不完整"


def test_editing_a_published_article_keeps_the_live_version_answering(
    client: TestClient, as_user: Personas
) -> None:
    article = publish(client, as_user, external_id="kb-points-x")
    response = client.patch(
        f"{KB}/articles/{article['id']}",
        json={"question": "星空积分节双倍积分什么时候到账？"},
        headers={**as_user.headers("editor"), "If-Match": '"1"'},
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["status"] == "draft" and edited["live_version"] == 1
    assert "kb-points-x" in search_ids(client, as_user, "星空积分节双倍积分怎么领")
    reader = client.get(f"{KB}/articles/{article['id']}", headers=as_user.headers("agent")).json()
    assert reader["question"] == "星空积分节的双倍积分怎么领取？"  # readers see the live copy


def test_a_stale_revision_is_412(client: TestClient, as_user: Personas) -> None:
    article = create(client, as_user)
    response = client.patch(
        f"{KB}/articles/{article['id']}",
        json={"tags": ["积分"]},
        headers={**as_user.headers("editor"), "If-Match": '"7"'},
    )
    assert response.status_code == 412


def test_every_publish_is_a_version_with_differences_and_rollback(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    article = publish(client, as_user, external_id="kb-versions")
    article_id = article["id"]
    client.patch(
        f"{KB}/articles/{article_id}",
        json={"answer": "活动已结束，积分按正常规则累计。"},
        headers=as_user.headers("editor"),
    )
    for action, who in (("submit", "editor"), ("approve", "supervisor"), ("publish", "supervisor")):
        assert act(client, as_user, article_id, action, who).status_code == 200

    history = client.get(
        f"{KB}/articles/{article_id}/versions", headers=as_user.headers("agent")
    ).json()
    assert [v["number"] for v in history] == [2, 1]
    diff = client.get(
        f"{KB}/articles/{article_id}/diff",
        params={"from": 1, "to": 2},
        headers=as_user.headers("supervisor"),
    ).json()
    assert [c["field"] for c in diff["changes"]] == ["answer"]
    assert any(line.startswith("+活动已结束") for line in diff["changes"][0]["diff"])

    rolled = client.post(
        f"{KB}/articles/{article_id}/rollback",
        json={"version": 1},
        headers=as_user.headers("supervisor"),
    )
    assert rolled.status_code == 200, rolled.text
    assert rolled.json()["live_version"] == 3
    assert rolled.json()["answer"].startswith("活动期间")
    assert (
        client.post(
            f"{KB}/articles/{article_id}/rollback",
            json={"version": 1},
            headers=as_user.headers("editor"),
        ).status_code
        == 403
    )
    assert "kb.rollback" in audit_actions(database, article_id)


def test_retired_articles_leave_search_at_once_and_retiring_is_audited(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    article = publish(client, as_user, external_id="kb-retire-me")
    assert search_ids(client, as_user, "星空积分节双倍积分")[0] == "kb-retire-me"

    retired = act(client, as_user, article["id"], "retire", "supervisor", note="活动结束")

    assert retired.json()["status"] == "retired"
    assert "kb-retire-me" not in search_ids(client, as_user, "星空积分节双倍积分", limit=50)
    assert audit_actions(database, article["id"])[-1] == "kb.retire"


def test_expired_articles_drop_out_by_themselves(client: TestClient, as_user: Personas) -> None:
    today = NOW.date()
    publish(client, as_user, external_id="kb-expired", valid_to=str(today - timedelta(days=1)))
    publish(
        client,
        as_user,
        external_id="kb-future",
        question="明年的星空积分节什么时候开始？",
        valid_from=str(today + timedelta(days=30)),
    )

    found = search_ids(client, as_user, "星空积分节", limit=50)

    assert "kb-expired" not in found and "kb-future" not in found


def test_answers_are_markdown_rendered_safely(client: TestClient, as_user: Personas) -> None:
    article = create(
        client, as_user, answer="**重要**<script>alert(1)</script> [链接](javascript:x)"
    )

    html = article["answer_html"]

    assert "<strong>重要</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html


def test_a_script_must_be_a_sound_decision_flow(client: TestClient, as_user: Personas) -> None:
    bad = {
        "start": "a",
        "steps": [
            {"id": "a", "kind": "ask", "text": "?", "options": [{"label": "是", "next": "a"}]}
        ],
    }
    response = client.post(
        f"{KB}/articles",
        json={
            "category": "sms",
            "question": "短信问题",
            "answer": "答",
            "script": bad,
        },
        headers=as_user.headers("editor"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"][:2] == ["body", "script"]
