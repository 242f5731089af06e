"""Administering the category and cause taxonomies (#24 point 3): add, rename, move and retire
nodes of three levels with Chinese and English names; admin only, each change audited;
tickets keep their codes whatever happens to the tree."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.tickets.helpers import CATEGORY, CAUSE, Desk, assert_problem, error_locs, ticket_body

TAXONOMY = "/api/v1/taxonomy"
CATEGORIES = f"{TAXONOMY}/categories"
CAUSES = f"{TAXONOMY}/causes"
NEW_LEAF = {"code": "signal/indoor/lift", "name": "电梯内无信号", "parent": "signal/indoor"}
NEW_CAUSE = {"code": "network/coverage/new_building", "name": "新建楼宇未覆盖",
             "parent": "network/coverage"}  # fmt: skip


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def post(desk: Desk, path: str, body: Any = None, user: str | None = "admin") -> httpx.Response:
    return desk.client.post(path, json=body, headers=desk.headers(user))


def patch(desk: Desk, path: str, body: Any, user: str | None = "admin") -> httpx.Response:
    return desk.client.patch(path, json=body, headers=desk.headers(user))


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def nodes(desk: Desk, path: str = CATEGORIES, **params: Any) -> dict[str, dict[str, Any]]:
    return {n["code"]: n for n in ok(desk.client.get(path, params=params,
                                                     headers=desk.headers("agent")))}  # fmt: skip


def node(desk: Desk, code: str, path: str = CATEGORIES) -> dict[str, Any]:
    return dict(ok(desk.client.get(f"{path}/{code}", headers=desk.headers("agent"))))


def audit(desk: Desk, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
    response = desk.client.get(
        "/api/v1/audit",
        params={"entity_type": entity_type, "entity_id": entity_id, "limit": 500},
        headers=desk.headers("admin"),
    )
    return list(reversed(ok(response)["items"]))


# -- who may -----------------------------------------------------------------------------------

CHANGES = [
    ("post", CATEGORIES, NEW_LEAF),
    ("post", CAUSES, NEW_CAUSE),
    ("patch", f"{CATEGORIES}/{CATEGORY}", {"name": "改名"}),
    ("patch", f"{CAUSES}/network/coverage/weak_area", {"name_en": "Weak coverage"}),
    ("post", f"{CATEGORIES}/{CATEGORY}/retire", None),
    ("post", f"{CAUSES}/network/coverage/weak_area/retire", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CHANGES)
def test_only_admins_change_the_taxonomies(desk: Desk, method: str, path: str, body: Any) -> None:
    for user in ("supervisor", "agent", "expert", "wireless"):
        response = desk.client.request(method, path, json=body, headers=desk.headers(user))
        assert_problem(response, 403)
    assert_problem(desk.client.request(method, path, json=body), 401)
    assert NEW_LEAF["code"] not in nodes(desk)
    assert nodes(desk)[CATEGORY]["name"] == node(desk, CATEGORY)["name"] != "改名"
    assert "network/coverage/weak_area" in nodes(desk, CAUSES)


# -- adding ------------------------------------------------------------------------------------


def test_a_leaf_added_by_an_admin_is_usable_by_new_tickets_at_once(desk: Desk) -> None:
    added = ok(post(desk, CATEGORIES, {**NEW_LEAF, "name_en": "No signal in lifts"}), 201)
    assert added["level"] == 3 and added["leaf"] is True and added["retired"] is False
    assert added["name_en"] == "No signal in lifts"
    # The list shows it as CONTRACT §4 says, with exactly its four fields.
    assert nodes(desk)[NEW_LEAF["code"]] == {**NEW_LEAF, "level": 3}
    assert NEW_LEAF["code"] in nodes(desk, level=3)
    ticket = desk.create(category=NEW_LEAF["code"])
    assert ticket["category"] == NEW_LEAF["code"]
    assert audit(desk, "category", NEW_LEAF["code"])[0]["summary"].startswith("(none) → name: ")


def test_a_cause_added_by_an_admin_is_usable_by_replies_at_once(desk: Desk) -> None:
    added = ok(post(desk, CAUSES, NEW_CAUSE), 201)
    assert "station" not in added
    ticket = desk.walk("in_progress")
    replied = desk.do(ticket["id"], "reply", "wireless", cause_code=NEW_CAUSE["code"])
    assert replied["cause_code"] == NEW_CAUSE["code"]


def test_top_level_and_second_level_nodes(desk: Desk) -> None:
    top = ok(post(desk, CATEGORIES, {"code": "iot", "name": "物联网", "parent": None}), 201)
    assert (top["level"], top["parent"]) == (1, None)
    second = ok(
        post(desk, CATEGORIES, {"code": "iot/nbiot", "name": "NB-IoT", "parent": "iot"}), 201
    )
    assert second["level"] == 2
    assert node(desk, "iot")["leaf"] is False
    # A second-level leaf is a leaf: new tickets may use it.
    assert desk.create(category="iot/nbiot")["category"] == "iot/nbiot"


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({**NEW_LEAF, "parent": "signal/nowhere"}, ["parent"]),
        ({**NEW_LEAF, "parent": CATEGORY, "code": f"{CATEGORY}/deeper"}, ["parent"]),  # level 4
        ({**NEW_LEAF, "code": "Signal/Lift"}, ["code"]),
        ({**NEW_LEAF, "code": "signal//lift"}, ["code"]),
        ({**NEW_LEAF, "code": ""}, ["code"]),
        ({**NEW_LEAF, "name": "  "}, ["name"]),
        ({**NEW_LEAF, "name": "长" * 65}, ["name"]),
        ({"code": "signal/indoor/lift", "parent": "signal/indoor"}, ["name"]),
        ({**NEW_LEAF, "station": "nowhere"}, ["station"]),
        ({**NEW_LEAF, "colour": "red"}, ["colour"]),
    ],
)
def test_bad_nodes_are_refused_naming_the_field(
    desk: Desk, body: dict[str, Any], loc: list[str]
) -> None:
    assert loc in error_locs(post(desk, CATEGORIES, body))
    assert not any(c.endswith(("/lift", "deeper")) for c in nodes(desk))


def test_a_taken_code_is_409(desk: Desk) -> None:
    body = {"code": CATEGORY, "name": "重复", "parent": "signal/indoor"}
    assert_problem(post(desk, CATEGORIES, body), 409)
    cause = {"code": "network", "name": "重复", "parent": None}
    assert_problem(post(desk, CAUSES, cause), 409)
    assert ["station"] in error_locs(post(desk, CAUSES, {**NEW_CAUSE, "station": "wireless"}))


def test_a_child_under_a_former_leaf(desk: Desk) -> None:
    ok(
        post(
            desk,
            CATEGORIES,
            {"code": "signal/wifi_calling", "name": "WiFi通话", "parent": "signal"},
        ),
        201,
    )
    open_ticket = desk.create(category="signal/wifi_calling")
    child = {
        "code": "signal/wifi_calling/no_hd",
        "name": "无高清通话",
        "parent": "signal/wifi_calling",
    }
    ok(post(desk, CATEGORIES, child), 201)
    assert node(desk, "signal/wifi_calling")["leaf"] is False
    # New tickets choose among the children …
    refused = desk.post_ticket({**_body(desk), "category": "signal/wifi_calling"})
    assert ["category"] in error_locs(refused)
    assert "not a leaf" in refused.json()["detail"]
    assert (
        desk.create(category="signal/wifi_calling/no_hd")["category"] == "signal/wifi_calling/no_hd"
    )
    # … while the ticket opened before keeps its category and goes on.
    desk.do(open_ticket["id"], "escalate", "agent")
    desk.do(open_ticket["id"], "dispatch", "expert")
    desk.do(open_ticket["id"], "accept", "wireless")
    replied = desk.do(open_ticket["id"], "reply", "wireless")
    assert (replied["category"], replied["status"]) == ("signal/wifi_calling", "replied")
    assert open_ticket["id"] in desk.list_ids(category="signal/wifi_calling")


def _body(desk: Desk) -> dict[str, Any]:
    return ticket_body(desk.customer_id())


# -- renaming and moving -----------------------------------------------------------------------


def test_rename_and_english_name_audited_with_before_and_after(desk: Desk) -> None:
    before = node(desk, CATEGORY)
    changed = ok(
        patch(
            desk,
            f"{CATEGORIES}/{CATEGORY}",
            {"name": "室内弱信号", "name_en": "Weak indoor signal"},
        )
    )
    assert (changed["name"], changed["name_en"]) == ("室内弱信号", "Weak indoor signal")
    assert nodes(desk)[CATEGORY] == {
        "code": CATEGORY, "name": "室内弱信号", "parent": "signal/indoor", "level": 3,
    }  # fmt: skip
    summary = audit(desk, "category", CATEGORY)[-1]["summary"]
    assert f"name: {before['name']} → 室内弱信号" in summary
    assert "name_en: (none) → Weak indoor signal" in summary
    # Clearing the English name; a null name is refused.
    assert ok(patch(desk, f"{CATEGORIES}/{CATEGORY}", {"name_en": None}))["name_en"] is None
    assert ["name"] in error_locs(patch(desk, f"{CATEGORIES}/{CATEGORY}", {"name": None}))
    cause = ok(patch(desk, f"{CAUSES}/network", {"name_en": "Network"}))
    assert cause["name_en"] == "Network"
    assert_problem(patch(desk, f"{CATEGORIES}/signal/nothing", {"name": "x"}), 404)


def test_moving_a_leaf_keeps_its_code_and_its_tickets(desk: Desk) -> None:
    ticket = desk.create(category=CATEGORY)
    moved = ok(patch(desk, f"{CATEGORIES}/{CATEGORY}", {"parent": "signal/5g"}))
    assert (moved["code"], moved["parent"], moved["level"]) == (CATEGORY, "signal/5g", 3)
    assert desk.get(ticket["id"])["category"] == CATEGORY
    # Lists by category follow the tree, not the code's old path.
    customer = ticket["customer_id"]
    assert desk.list_ids(category="signal/5g", customer_id=customer) == [ticket["id"]]
    assert desk.list_ids(category="signal/indoor", customer_id=customer) == []
    assert desk.list_ids(category="signal", customer_id=customer) == [ticket["id"]]
    # New tickets still use it.
    assert desk.create(category=CATEGORY)["category"] == CATEGORY
    summary = audit(desk, "category", CATEGORY)[-1]["summary"]
    assert summary == "parent: signal/indoor → signal/5g"


def test_moving_a_branch_moves_its_levels(desk: Desk) -> None:
    children = [c for c, n in nodes(desk).items() if n["parent"] == "signal/indoor"]
    moved = ok(patch(desk, f"{CATEGORIES}/signal/indoor", {"parent": None}))
    assert (moved["parent"], moved["level"]) == (None, 1)
    after = nodes(desk)
    assert all(after[c]["level"] == 2 and after[c]["parent"] == "signal/indoor" for c in children)
    summary = audit(desk, "category", "signal/indoor")[-1]["summary"]
    assert "parent: signal → (top); level: 2 → 1" in summary
    # Back under another top-level category: three levels again.
    ok(patch(desk, f"{CATEGORIES}/signal/indoor", {"parent": "broadband"}))
    assert all(nodes(desk, level=3)[c]["level"] == 3 for c in children)
    assert nodes(desk)["signal/indoor"]["parent"] == "broadband"


@pytest.mark.parametrize(
    ("code", "parent"),
    [
        ("signal/indoor", "signal/5g"),  # its leaves would be at level 4
        ("signal", "broadband"),  # likewise
        ("signal", "signal/indoor"),  # under its own descendant
        ("signal/indoor", "signal/indoor"),  # under itself
        ("signal/indoor", "signal/nowhere"),  # unknown parent
        (CATEGORY, "signal/5g/slow"),  # a third-level parent
    ],
)
def test_bad_moves_are_refused_naming_parent(desk: Desk, code: str, parent: str) -> None:
    assert ["parent"] in error_locs(patch(desk, f"{CATEGORIES}/{code}", {"parent": parent}))
    assert node(desk, code)["parent"] == nodes(desk)[code]["parent"]
    assert node(desk, "signal")["level"] == 1 and node(desk, "signal/indoor")["level"] == 2


def test_causes_move_too(desk: Desk) -> None:
    moved = ok(patch(desk, f"{CAUSES}/network/coverage/weak_area", {"parent": "terminal"}))
    assert (moved["parent"], moved["level"]) == ("terminal", 2)
    ticket = desk.walk("in_progress")
    replied = desk.do(ticket["id"], "reply", "wireless", cause_code="network/coverage/weak_area")
    assert replied["cause_code"] == "network/coverage/weak_area"


# -- retiring ----------------------------------------------------------------------------------


def test_a_retired_category_is_no_longer_chosen_but_stays_on_its_tickets(desk: Desk) -> None:
    ticket = desk.create(category=CATEGORY)
    retired = ok(post(desk, f"{CATEGORIES}/{CATEGORY}/retire"))
    assert retired["retired"] is True and retired["retired_at"] and retired["leaf"] is False
    refused = desk.post_ticket(_body(desk))
    assert ["category"] in error_locs(refused)
    assert "retired" in refused.json()["detail"]
    # The ticket keeps and shows it, and the node can still be read.
    assert desk.get(ticket["id"])["category"] == CATEGORY
    assert desk.list_ids(category=CATEGORY, customer_id=ticket["customer_id"]) == [ticket["id"]]
    assert node(desk, CATEGORY)["name"]
    # The list leaves it out; details=true shows it, marked.
    assert CATEGORY not in nodes(desk)
    detailed = nodes(desk, details="true")
    assert detailed[CATEGORY]["retired"] is True
    assert set(detailed[CATEGORY]) == {
        "code", "name", "parent", "level", "name_en", "leaf", "retired", "retired_at", "station",
    }  # fmt: skip
    assert_problem(post(desk, f"{CATEGORIES}/{CATEGORY}/retire"), 409)
    assert audit(desk, "category", CATEGORY)[-1]["summary"].startswith("retired: no → yes at ")


def test_retiring_a_branch_retires_what_is_under_it(desk: Desk) -> None:
    under = {c for c, n in nodes(desk).items() if n["parent"] == "signal/indoor"}
    ok(post(desk, f"{CATEGORIES}/signal/indoor/retire"))
    left = nodes(desk)
    assert "signal/indoor" not in left and not under & set(left)
    # The active tree stays whole: every parent listed is listed itself.
    assert all(n["parent"] is None or n["parent"] in left for n in left.values())
    assert ["parent"] in error_locs(post(desk, CATEGORIES, NEW_LEAF))
    assert ["parent"] in error_locs(
        patch(desk, f"{CATEGORIES}/signal/5g/slow", {"parent": "signal/indoor"})
    )
    summary = audit(desk, "category", "signal/indoor")[-1]["summary"]
    assert f"with {len(under)} node(s) under it" in summary


def test_a_node_whose_children_are_all_retired_is_a_leaf_again(desk: Desk) -> None:
    ok(
        post(
            desk,
            CATEGORIES,
            {"code": "signal/wifi_calling", "name": "WiFi通话", "parent": "signal"},
        ),
        201,
    )
    ok(
        post(
            desk,
            CATEGORIES,
            {"code": "signal/wifi_calling/x", "name": "X", "parent": "signal/wifi_calling"},
        ),
        201,
    )
    ok(post(desk, f"{CATEGORIES}/signal/wifi_calling/x/retire"))
    assert node(desk, "signal/wifi_calling")["leaf"] is True
    assert desk.create(category="signal/wifi_calling")["category"] == "signal/wifi_calling"


def test_a_retired_cause_is_no_longer_given_in_replies(desk: Desk) -> None:
    replied = desk.walk("replied")
    ticket = desk.walk("in_progress")
    ok(post(desk, f"{CAUSES}/{CAUSE}/retire"))
    refused = desk.act(ticket["id"], "reply", "wireless")
    assert ["cause_code"] in error_locs(refused)
    assert "retired" in refused.json()["detail"]
    assert CAUSE not in nodes(desk, CAUSES)
    assert nodes(desk, CAUSES, details="true")[CAUSE]["retired"] is True
    # A ticket replied with it before keeps it, and closes.
    assert desk.get(replied["id"])["cause_code"] == CAUSE
    assert desk.do(replied["id"], "callback", "callback")["status"] == "closed"
    assert node(desk, CAUSE, CAUSES)["retired"] is True
