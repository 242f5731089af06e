"""Plans and customers over HTTP: create, look up, page, masking by role, audit, timeline."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from closeloop.auth.models import AuditEntry
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.support import NOW, Personas, assert_problem, error_locs

# 196 is not among the demo prefixes, so these numbers are never demo customers.
NEW_MSISDN = "19612345678"
NEW_ID = "11010519491231002X"
PLAN_CODES = {"LITE19", "CITY39", "FIVEG59", "FIVEG99", "FAMILY129", "ELDER8"}
MASKED_ROLES = ["agent", "agent2", "expert", "callback", "wireless", "netops", "field"]
UNMASKED_ROLES = ["supervisor", "admin"]


def customer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "msisdn": NEW_MSISDN,
        "name": "张三",
        "region": "长沙市",
        "plan_code": "FIVEG59",
        "id_number": NEW_ID,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def create(client: TestClient, as_user: Personas, user: str = "agent", **overrides: Any) -> Any:
    return client.post(
        "/api/v1/customers", json=customer_body(**overrides), headers=as_user.headers(user)
    )


def demo_customer(database: Database) -> Customer:
    """A seeded customer that has an ID number."""
    with database.unit_of_work() as session:
        customer = session.scalars(
            select(Customer).where(Customer.id_number.is_not(None)).order_by(Customer.id).limit(1)
        ).one()
        session.expunge(customer)
        return customer


def audit_entries(database: Database, **where: str) -> list[AuditEntry]:
    with database.unit_of_work() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEntry, column) == value)
        rows = list(session.scalars(query))
        session.expunge_all()
        return rows


def audit_count(database: Database) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


# --- plans --------------------------------------------------------------------------------


def test_plans_list_every_plan_with_its_allowances(client: TestClient, as_user: Personas) -> None:
    response = client.get("/api/v1/plans", headers=as_user.headers("agent"))
    assert response.status_code == 200
    plans = response.json()
    assert {p["code"] for p in plans} == PLAN_CODES
    for plan in plans:
        assert set(plan) == {"code", "name", "monthly_fee", "data_mb", "voice_min", "sms"}
        assert isinstance(plan["monthly_fee"], int | float)
        assert all(isinstance(plan[k], int) for k in ("data_mb", "voice_min", "sms"))
    five_g = next(p for p in plans if p["code"] == "FIVEG59")
    assert five_g == {
        "code": "FIVEG59",
        "name": "5G畅享59元套餐",
        "monthly_fee": 59.0,
        "data_mb": 30 * 1024,
        "voice_min": 300,
        "sms": 100,
    }


def test_plans_need_sign_in(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/plans"), 401)


# --- create -------------------------------------------------------------------------------


def test_agent_creates_a_customer_and_sees_it_masked(client: TestClient, as_user: Personas) -> None:
    response = create(client, as_user, "agent")
    assert response.status_code == 201, response.text
    customer = response.json()
    assert isinstance(customer["id"], str)
    assert customer["msisdn"] == "196****5678"
    assert customer["id_number"] == "110105********002X"
    assert customer["masked"] is True
    assert customer["name"] == "张三"
    assert customer["region"] == "长沙市"
    assert customer["plan_code"] == "FIVEG59"
    assert customer["plan_name"] == "5G畅享59元套餐"
    # Without a join date the customer joins today (Shanghai).
    assert customer["join_date"] == "2026-11-23"


def test_supervisor_creates_a_customer_and_sees_it_unmasked(
    client: TestClient, as_user: Personas
) -> None:
    response = create(client, as_user, "supervisor", join_date="2020-05-01")
    assert response.status_code == 201, response.text
    customer = response.json()
    assert customer["msisdn"] == NEW_MSISDN
    assert customer["id_number"] == NEW_ID
    assert customer["masked"] is False
    assert customer["join_date"] == "2020-05-01"


def test_created_customer_can_be_read_back(client: TestClient, as_user: Personas) -> None:
    created = create(client, as_user, "agent", segment="vip").json()
    response = client.get(
        f"/api/v1/customers/{created['id']}", headers=as_user.headers("supervisor")
    )
    assert response.status_code == 200
    customer = response.json()
    assert customer["id"] == created["id"]
    assert customer["msisdn"] == NEW_MSISDN
    assert customer["id_number"] == NEW_ID
    assert customer["segment"] == "vip"


def test_lower_case_x_in_an_id_number_is_stored_as_capital_x(
    client: TestClient, as_user: Personas
) -> None:
    response = create(client, as_user, "supervisor", id_number=NEW_ID.lower())
    assert response.status_code == 201, response.text
    assert response.json()["id_number"] == NEW_ID


def test_customer_without_id_number(client: TestClient, as_user: Personas) -> None:
    response = create(client, as_user, "agent", id_number=None)
    assert response.status_code == 201, response.text
    assert response.json()["id_number"] is None


def test_creating_a_customer_is_audited(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    created = create(client, as_user, "agent").json()
    entries = audit_entries(database, action="customer.create", entity_id=created["id"])
    assert [(e.actor, e.entity_type) for e in entries] == [("agent", "customer")]


def test_duplicate_msisdn_is_409_without_revealing_the_number(
    client: TestClient, as_user: Personas
) -> None:
    assert create(client, as_user).status_code == 201
    body = assert_problem(create(client, as_user, name="李四"), 409)
    assert NEW_MSISDN not in body["detail"]


def test_msisdn_of_a_demo_customer_is_a_duplicate(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    existing = demo_customer(database)
    assert_problem(create(client, as_user, msisdn=existing.msisdn), 409)


@pytest.mark.parametrize(
    "msisdn",
    [
        "1961234567",
        "196123456789",
        "12012345678",
        "1961234567a",
        "196-1234-5678",
        "",
        "１９６１２３４５６７８",
    ],
)
def test_invalid_msisdn_is_422_naming_msisdn(
    client: TestClient, as_user: Personas, msisdn: str
) -> None:
    body = assert_problem(create(client, as_user, msisdn=msisdn), 422)
    assert ["msisdn"] in error_locs(body)


def test_msisdn_with_surrounding_spaces_is_trimmed(client: TestClient, as_user: Personas) -> None:
    response = create(client, as_user, "supervisor", msisdn=f"  {NEW_MSISDN} ")
    assert response.status_code == 201, response.text
    assert response.json()["msisdn"] == NEW_MSISDN


@pytest.mark.parametrize(
    "id_number",
    [
        "110105194912310021",  # wrong check character
        "430102199902300017",  # 30 February
        "11010519491231002",  # too short
        "ABCDEFGHIJKLMNOPQR",
    ],
)
def test_invalid_id_number_is_422_naming_id_number(
    client: TestClient, as_user: Personas, id_number: str
) -> None:
    body = assert_problem(create(client, as_user, id_number=id_number), 422)
    assert ["id_number"] in error_locs(body)


def test_unknown_plan_is_422_naming_plan_code_and_creates_nothing(
    client: TestClient, as_user: Personas
) -> None:
    body = assert_problem(create(client, as_user, plan_code="NOSUCHPLAN"), 422)
    assert ["plan_code"] in error_locs(body)
    lookup = client.get(
        "/api/v1/customers", params={"msisdn": NEW_MSISDN}, headers=as_user.headers("agent")
    )
    assert lookup.json()["items"] == []


def test_unknown_field_is_422(client: TestClient, as_user: Personas) -> None:
    body = assert_problem(create(client, as_user, vip_level="gold"), 422)
    assert ["vip_level"] in error_locs(body)


@pytest.mark.parametrize("missing", ["msisdn", "name", "region", "plan_code"])
def test_missing_required_field_is_422(client: TestClient, as_user: Personas, missing: str) -> None:
    body = customer_body()
    del body[missing]
    response = client.post("/api/v1/customers", json=body, headers=as_user.headers("agent"))
    assert [missing] in error_locs(assert_problem(response, 422))


@pytest.mark.parametrize("user", ["expert", "callback", "wireless", "editor"])
def test_only_front_line_supervisor_and_admin_create_customers(
    client: TestClient, as_user: Personas, user: str
) -> None:
    assert_problem(create(client, as_user, user), 403)


def test_create_needs_sign_in(client: TestClient) -> None:
    assert_problem(client.post("/api/v1/customers", json=customer_body()), 401)


# --- read one / look up -------------------------------------------------------------------


def test_get_customer_by_id(client: TestClient, as_user: Personas, database: Database) -> None:
    existing = demo_customer(database)
    response = client.get(f"/api/v1/customers/{existing.id}", headers=as_user.headers("agent"))
    assert response.status_code == 200
    customer = response.json()
    assert customer["id"] == str(existing.id)
    assert customer["name"] == existing.name
    assert customer["region"] == existing.region
    assert customer["msisdn"].endswith(existing.msisdn[-4:])


@pytest.mark.parametrize("customer_id", ["999999999", "abc", "-1", "1.5"])
def test_unknown_customer_is_404(client: TestClient, as_user: Personas, customer_id: str) -> None:
    response = client.get(f"/api/v1/customers/{customer_id}", headers=as_user.headers("agent"))
    assert_problem(response, 404)


def test_lookup_by_msisdn_finds_exactly_that_customer(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    existing = demo_customer(database)
    response = client.get(
        "/api/v1/customers", params={"msisdn": existing.msisdn}, headers=as_user.headers("agent")
    )
    assert response.status_code == 200
    page = response.json()
    assert [c["id"] for c in page["items"]] == [str(existing.id)]
    assert page["next_cursor"] is None


def test_lookup_of_an_unknown_number_is_empty(client: TestClient, as_user: Personas) -> None:
    response = client.get(
        "/api/v1/customers", params={"msisdn": NEW_MSISDN}, headers=as_user.headers("agent")
    )
    assert response.status_code == 200
    assert response.json() == {"items": [], "next_cursor": None}


def test_lookup_is_exact_not_by_prefix(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    existing = demo_customer(database)
    near = existing.msisdn[:-1] + str((int(existing.msisdn[-1]) + 1) % 10)
    with database.unit_of_work() as session:
        near_exists = session.scalar(select(Customer.id).where(Customer.msisdn == near))
    response = client.get(
        "/api/v1/customers", params={"msisdn": near}, headers=as_user.headers("agent")
    )
    ids = [c["id"] for c in response.json()["items"]]
    assert str(existing.id) not in ids
    assert ids == ([str(near_exists)] if near_exists else [])


@pytest.mark.parametrize("msisdn", ["1381234567", "abc", "12012345678", "138123456789"])
def test_lookup_with_a_malformed_number_is_422(
    client: TestClient, as_user: Personas, msisdn: str
) -> None:
    response = client.get(
        "/api/v1/customers", params={"msisdn": msisdn}, headers=as_user.headers("agent")
    )
    body = assert_problem(response, 422)
    assert any("msisdn" in loc for loc in error_locs(body))


# --- masking and audit --------------------------------------------------------------------


@pytest.mark.parametrize("user", MASKED_ROLES)
def test_roles_without_personal_data_see_masked_numbers(
    client: TestClient, as_user: Personas, database: Database, user: str
) -> None:
    existing = demo_customer(database)
    assert existing.id_number is not None
    headers = as_user.headers(user)  # sign in first: signing in is audited
    before = audit_count(database)
    response = client.get(f"/api/v1/customers/{existing.id}", headers=headers)
    assert response.status_code == 200
    customer = response.json()
    assert customer["msisdn"] == f"{existing.msisdn[:3]}****{existing.msisdn[-4:]}"
    assert customer["id_number"] == f"{existing.id_number[:6]}{'*' * 8}{existing.id_number[-4:]}"
    assert customer["masked"] is True
    assert existing.msisdn not in response.text
    assert existing.id_number not in response.text
    assert audit_count(database) == before  # a masked read is not audited


@pytest.mark.parametrize("user", UNMASKED_ROLES)
def test_supervisor_and_admin_see_numbers_and_each_read_is_audited(
    client: TestClient, as_user: Personas, database: Database, user: str
) -> None:
    existing = demo_customer(database)
    for reads in (1, 2):
        response = client.get(f"/api/v1/customers/{existing.id}", headers=as_user.headers(user))
        assert response.status_code == 200
        customer = response.json()
        assert customer["msisdn"] == existing.msisdn
        assert customer["id_number"] == existing.id_number
        assert customer["masked"] is False
        entries = audit_entries(
            database, action="customer.read_personal", entity_id=str(existing.id)
        )
        assert len(entries) == reads
        assert all(e.actor == user and e.entity_type == "customer" for e in entries)
        assert entries[-1].at == NOW


def test_unmasked_read_shows_in_the_audit_log_api(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    existing = demo_customer(database)
    client.get(f"/api/v1/customers/{existing.id}", headers=as_user.headers("supervisor"))
    client.get(f"/api/v1/customers/{existing.id}", headers=as_user.headers("agent"))
    response = client.get(
        "/api/v1/audit",
        params={"entity_type": "customer", "entity_id": str(existing.id)},
        headers=as_user.headers("admin"),
    )
    assert response.status_code == 200
    reads = [e for e in response.json()["items"] if e["action"].startswith("customer.read")]
    assert [(e["actor"], e["action"]) for e in reads] == [("supervisor", "customer.read_personal")]


def test_unmasked_lookup_by_msisdn_is_audited(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    existing = demo_customer(database)
    response = client.get(
        "/api/v1/customers",
        params={"msisdn": existing.msisdn},
        headers=as_user.headers("supervisor"),
    )
    assert response.json()["items"][0]["msisdn"] == existing.msisdn
    entries = audit_entries(database, action="customer.read_personal")
    assert [(e.actor, e.entity_id) for e in entries] == [("supervisor", str(existing.id))]


def test_lookup_finding_nobody_writes_no_audit(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    headers = as_user.headers("supervisor")
    before = audit_count(database)
    client.get("/api/v1/customers", params={"msisdn": NEW_MSISDN}, headers=headers)
    assert audit_count(database) == before


def test_unmasked_list_audits_every_customer_shown(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    response = client.get(
        "/api/v1/customers", params={"limit": 7}, headers=as_user.headers("supervisor")
    )
    shown = [c["id"] for c in response.json()["items"]]
    assert len(shown) == 7
    entries = audit_entries(database, action="customer.read_personal", actor="supervisor")
    assert sorted(e.entity_id for e in entries) == sorted(shown)


def test_masked_list_writes_no_audit(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    headers = as_user.headers("agent")
    before = audit_count(database)
    response = client.get("/api/v1/customers", params={"limit": 20}, headers=headers)
    assert all(c["masked"] and "****" in c["msisdn"] for c in response.json()["items"])
    assert audit_count(database) == before


# --- paging -------------------------------------------------------------------------------


def region_ids(database: Database, region: str) -> list[str]:
    with database.unit_of_work() as session:
        ids = session.scalars(select(Customer.id).where(Customer.region == region))
        return [str(i) for i in ids]


def walk(client: TestClient, headers: dict[str, str], **params: Any) -> list[list[dict[str, Any]]]:
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        response = client.get("/api/v1/customers", params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 200, "paging does not end"


def test_paging_walks_every_customer_of_a_region_once(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    expected = region_ids(database, "株洲市")
    assert len(expected) > 50
    pages = walk(client, as_user.headers("agent"), region="株洲市", limit=37)
    seen = [c["id"] for page in pages for c in page]
    assert len(seen) == len(set(seen))
    assert set(seen) == set(expected)
    assert len(pages) == math.ceil(len(expected) / 37)
    assert all(len(page) == 37 for page in pages[:-1])
    assert all(c["region"] == "株洲市" for page in pages for c in page)


def test_paging_by_plan(client: TestClient, as_user: Personas, database: Database) -> None:
    pages = walk(client, as_user.headers("agent"), plan_code="ELDER8", limit=100)
    seen = [c["id"] for page in pages for c in page]
    with database.unit_of_work() as session:
        expected = {str(c.id) for c in session.scalars(select(Customer)) if c.plan.code == "ELDER8"}
    assert expected
    assert len(seen) == len(set(seen))
    assert set(seen) == expected


def test_default_page_is_fifty(client: TestClient, as_user: Personas) -> None:
    body = client.get("/api/v1/customers", headers=as_user.headers("agent")).json()
    assert len(body["items"]) == 50
    assert body["next_cursor"]


def test_unknown_region_is_an_empty_page(client: TestClient, as_user: Personas) -> None:
    response = client.get(
        "/api/v1/customers", params={"region": "火星市"}, headers=as_user.headers("agent")
    )
    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"cursor": "not-a-cursor!"}, "cursor"),
    ],
)
def test_bad_paging_parameters_are_422(
    client: TestClient, as_user: Personas, params: dict[str, Any], loc: str
) -> None:
    response = client.get("/api/v1/customers", params=params, headers=as_user.headers("agent"))
    body = assert_problem(response, 422)
    assert any(loc in e["loc"] for e in body["errors"])


# --- who may read -------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["wireless", "netops", "billing", "vas", "field"])
def test_station_users_read_customers_masked(
    client: TestClient, as_user: Personas, database: Database, user: str
) -> None:
    existing = demo_customer(database)
    response = client.get(
        "/api/v1/customers", params={"msisdn": existing.msisdn}, headers=as_user.headers(user)
    )
    assert response.status_code == 200
    (customer,) = response.json()["items"]
    assert customer["masked"] is True
    assert customer["msisdn"] != existing.msisdn


@pytest.mark.parametrize(
    "path",
    ["/api/v1/customers", "/api/v1/customers/1", "/api/v1/plans", "/api/v1/customers/1/timeline"],
)
def test_editor_may_not_read_customers(client: TestClient, as_user: Personas, path: str) -> None:
    assert_problem(client.get(path, headers=as_user.headers("editor")), 403)


def test_reading_customers_needs_sign_in(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/customers"), 401)
    assert_problem(client.get("/api/v1/customers/1"), 401)


# --- contacts and timeline ----------------------------------------------------------------


def record_contact(
    client: TestClient,
    as_user: Personas,
    customer_id: str,
    channel: str,
    summary: str,
    user: str = "agent",
) -> Any:
    return client.post(
        f"/api/v1/customers/{customer_id}/contacts",
        json={"channel": channel, "summary": summary},
        headers=as_user.headers(user),
    )


def test_timeline_shows_contacts_newest_first(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    customer_id = create(client, as_user).json()["id"]
    recorded = []
    for channel, summary in [
        ("hotline", "来电咨询套餐"),
        ("app", "App 反馈流量异常"),
        ("store", "营业厅办理套餐变更"),
    ]:
        response = record_contact(client, as_user, customer_id, channel, summary)
        assert response.status_code == 201, response.text
        contact = response.json()
        assert contact["channel"] == channel
        assert datetime.fromisoformat(contact["at"]) == clock.now()
        recorded.append(contact)
        clock.advance(timedelta(minutes=30))
    response = client.get(
        f"/api/v1/customers/{customer_id}/timeline", headers=as_user.headers("agent")
    )
    assert response.status_code == 200
    timeline = response.json()
    assert timeline["customer_id"] == customer_id
    items = timeline["items"]
    assert [i["id"] for i in items] == [c["id"] for c in reversed(recorded)]
    assert [i["detail"]["channel"] for i in items] == ["store", "app", "hotline"]
    assert all(i["kind"] == "contact" for i in items)
    assert items[0]["detail"]["summary"] == "营业厅办理套餐变更"
    assert items[0]["detail"]["agent"] == "agent"
    times = [datetime.fromisoformat(i["at"]) for i in items]
    assert all(t.tzinfo is not None for t in times)
    assert times == [NOW + timedelta(minutes=60), NOW + timedelta(minutes=30), NOW]


def test_contacts_recorded_at_the_same_moment_read_newest_first(
    client: TestClient, as_user: Personas
) -> None:
    customer_id = create(client, as_user).json()["id"]
    ids = [
        record_contact(client, as_user, customer_id, "hotline", f"第{n}次来电").json()["id"]
        for n in range(1, 13)
    ]
    response = client.get(
        f"/api/v1/customers/{customer_id}/timeline", headers=as_user.headers("agent")
    )
    assert [i["id"] for i in response.json()["items"]] == list(reversed(ids))


def test_timeline_limit_keeps_the_newest(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    customer_id = create(client, as_user).json()["id"]
    for n in range(5):
        record_contact(client, as_user, customer_id, "online", f"在线咨询 {n}")
        clock.advance(timedelta(hours=1))
    response = client.get(
        f"/api/v1/customers/{customer_id}/timeline",
        params={"limit": 2},
        headers=as_user.headers("agent"),
    )
    assert [i["detail"]["summary"] for i in response.json()["items"]] == [
        "在线咨询 4",
        "在线咨询 3",
    ]


def test_timeline_is_per_customer(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    customer_id = create(client, as_user).json()["id"]
    other = demo_customer(database)
    record_contact(client, as_user, customer_id, "sms", "短信咨询")
    response = client.get(
        f"/api/v1/customers/{other.id}/timeline", headers=as_user.headers("agent")
    )
    assert response.status_code == 200
    # the demo customer has the demo's own contacts, but not the one recorded here
    contacts = [i for i in response.json()["items"] if i["kind"] == "contact"]
    assert all("短信咨询" not in str(i) for i in contacts)


@pytest.mark.parametrize("channel", ["fax", "HOTLINE", "", "phone"])
def test_contact_with_an_unknown_channel_is_422(
    client: TestClient, as_user: Personas, database: Database, channel: str
) -> None:
    existing = demo_customer(database)
    response = record_contact(client, as_user, str(existing.id), channel, "来电")
    assert ["channel"] in error_locs(assert_problem(response, 422))


def test_contact_without_summary_is_422(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    existing = demo_customer(database)
    response = record_contact(client, as_user, str(existing.id), "hotline", "   ")
    assert ["summary"] in error_locs(assert_problem(response, 422))


def test_contact_for_an_unknown_customer_is_404(client: TestClient, as_user: Personas) -> None:
    assert_problem(record_contact(client, as_user, "999999999", "hotline", "来电"), 404)
    response = client.get("/api/v1/customers/999999999/timeline", headers=as_user.headers("agent"))
    assert_problem(response, 404)


@pytest.mark.parametrize("user", ["expert", "callback", "supervisor"])
def test_other_service_seats_record_contacts(
    client: TestClient, as_user: Personas, database: Database, user: str
) -> None:
    existing = demo_customer(database)
    response = record_contact(client, as_user, str(existing.id), "hotline", "回访", user=user)
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("user", ["wireless", "editor"])
def test_station_and_editor_may_not_record_contacts(
    client: TestClient, as_user: Personas, database: Database, user: str
) -> None:
    existing = demo_customer(database)
    response = record_contact(client, as_user, str(existing.id), "hotline", "来电", user=user)
    assert_problem(response, 403)
