"""TMF621 façade: what the conformance kit does not check (PATCH, DELETE, paging, statuses)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.support import Personas

TT = "/tmf-api/troubleTicket/v4/troubleTicket"


def _create(client: TestClient, headers: dict[str, str], **extra: Any) -> dict[str, Any]:
    body = {"description": "网络断了", "severity": "High", "ticketType": "connectivity", **extra}
    reply = client.post(TT, json=body, headers=headers)
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_create_maps_and_ignores_status(client: TestClient, as_user: Personas) -> None:
    h = as_user.headers("admin")
    t = _create(client, h, status="closed", externalId="X1", note=[{"author": "a", "text": "n1"}])
    assert t["status"] == "acknowledged" and t["severity"] == "High"
    assert t["ticketType"] == "connectivity" and t["externalId"] == "X1"
    assert [n["text"] for n in t["note"]] == ["n1"]
    assert t["relatedParty"][0]["role"] == "customer"
    native = client.get(f"/api/v1/tickets/{t['id']}", headers=h).json()
    assert native["status"] == "new" and native["severity"] == "high"


def test_errors_use_tmf_format_and_400(client: TestClient, as_user: Personas) -> None:
    h = as_user.headers("admin")
    reply = client.post(TT, json={"description": "x", "severity": "High"}, headers=h)
    assert reply.status_code == 400
    assert {"code", "reason", "message", "status"} <= set(reply.json())
    bad_note = {"description": "x", "severity": "High", "ticketType": "p", "note": {"author": "a"}}
    assert client.post(TT + "/", json=bad_note, headers=h).status_code == 400
    assert client.get(TT).status_code == 401
    assert client.get(f"{TT}/999999", headers=h).json()["status"] == "404"


def test_list_paging_headers_filters_and_fields(client: TestClient, as_user: Personas) -> None:
    h = as_user.headers("admin")
    first = _create(client, h, ticketType="device")
    second = _create(client, h, severity="Low")
    reply = client.get(TT, params={"limit": 1, "offset": 0}, headers=h)
    assert reply.headers["X-Result-Count"] == "1"
    assert int(reply.headers["X-Total-Count"]) >= 2
    assert reply.json()[0]["id"] == second["id"]
    devices = client.get(TT, params={"ticketType": "device"}, headers=h).json()
    assert [t["id"] for t in devices] == [first["id"]]
    low = client.get(TT, params={"severity": "Low", "fields": "severity,status"}, headers=h).json()
    assert all(set(t) == {"severity", "status"} for t in low)
    one = client.get(f"{TT}/{first['id']}", params={"fields": "description"}, headers=h).json()
    assert one == {"description": "网络断了"}


def test_patch_attributes_notes_and_read_only(client: TestClient, as_user: Personas) -> None:
    h = as_user.headers("admin")
    t = _create(client, h)
    reply = client.patch(
        f"{TT}/{t['id']}",
        json={"externalId": "E9", "description": "新描述", "note": [{"text": "补充"}]},
        headers=h,
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["externalId"] == "E9" and body["description"] == "新描述"
    assert body["note"][-1]["text"] == "补充"
    assert client.patch(f"{TT}/{t['id']}", json={"id": "1"}, headers=h).status_code == 400
    assert client.patch(f"{TT}/{t['id']}", json={"creationDate": "x"}, headers=h).status_code == 400


def test_status_changes_go_through_the_workflow(client: TestClient, as_user: Personas) -> None:
    h = as_user.headers("admin")
    t = _create(client, h)
    refused = client.patch(f"{TT}/{t['id']}", json={"status": "inProgress"}, headers=h)
    assert refused.status_code == 409
    assert "escalate" in refused.json()["message"]
    resolved = client.patch(f"{TT}/{t['id']}", json={"status": "resolved"}, headers=h)
    assert resolved.status_code == 409
    cancelled = client.patch(
        f"{TT}/{t['id']}", json={"status": "cancelled", "statusChangeReason": "客户撤销"}, headers=h
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["statusChange"][-1]["status"] == "cancelled"
    native = client.get(f"/api/v1/tickets/{t['id']}", headers=h).json()
    assert native["status"] == "cancelled"


def test_delete_is_admin_only_and_hides(client: TestClient, as_user: Personas) -> None:
    h = as_user.headers("admin")
    t = _create(client, h)
    assert client.delete(f"{TT}/{t['id']}", headers=as_user.headers("expert")).status_code == 403
    assert client.delete(f"{TT}/{t['id']}", headers=h).status_code == 204
    assert client.get(f"{TT}/{t['id']}", headers=h).status_code == 404
    assert client.get(f"/api/v1/tickets/{t['id']}", headers=h).status_code == 404
    listed = client.get(TT, params={"id": t["id"]}, headers=h).json()
    assert listed == []
