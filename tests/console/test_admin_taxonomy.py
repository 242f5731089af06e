"""The category and cause trees in the console's administration (#24 point 3): three levels with
Chinese and English names; add, rename, move (a new parent) and retire, refused fields named;
retired nodes greyed and marked, no longer offered by the pickers, kept on their tickets; a
moved node keeps its code and the ticket page's breadcrumb follows its new parent."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.organisation.models import Category, Cause
from tests.console.ticket_helpers import as_user, text_of
from tests.support.demo import STATION_HEAD
from tests.tickets.helpers import Desk

TAXONOMY = "/console/admin/taxonomy"
CATEGORIES = f"{TAXONOMY}/categories"
CAUSES = f"{TAXONOMY}/causes"
LEAF = "signal/indoor/weak"  # 信号/网络质量 › 室内覆盖 › 室内信号弱


def _post(client: TestClient, path: str, token: str, data: dict[str, Any]) -> httpx.Response:
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def _invalid(html: str) -> set[str]:
    return set(re.findall(r'id="([\w-]+)"[^>]*aria-invalid="true"', html))


def _category(database: Database, code: str) -> Category | None:
    with database.unit_of_work(write=False) as session:
        node = session.get(Category, code)
        if node is not None:
            session.expunge(node)
        return node


def _intake_offers(client: TestClient, code: str) -> bool:
    return f'value="{code}"' in client.get("/console/tickets/new").text


def _edit(node: Category, **changes: str) -> dict[str, str]:
    """The node form as shown, with changes."""
    shown = {
        "do": "save",
        "name": node.name,
        "name_en": node.name_en or "",
        "parent": node.parent or "",
        "station": node.station_code or "",
    }
    return {**shown, **changes}


@pytest.mark.parametrize("username", ["agent", "supervisor", "wireless", STATION_HEAD, "editor"])
def test_only_the_administrator_changes_the_taxonomies(
    client: TestClient, database: Database, username: str
) -> None:
    token = as_user(client, username)
    for path in (TAXONOMY, CATEGORIES, CAUSES, f"{CATEGORIES}/{LEAF}"):
        assert client.get(path, follow_redirects=False).status_code == 403, path
    posts: list[tuple[str, dict[str, str]]] = [
        (CATEGORIES, {"code": "signal/indoor/lift", "name": "电梯", "parent": "signal/indoor"}),
        (f"{CATEGORIES}/{LEAF}", {"do": "save", "name": "改名", "parent": "signal/indoor"}),
        (f"{CATEGORIES}/{LEAF}", {"do": "retire", "confirm": "yes"}),
    ]  # fmt: skip
    for path, data in posts:
        assert _post(client, path, token, data).status_code == 403, path
    leaf = _category(database, LEAF)
    assert leaf is not None and leaf.name == "室内信号弱" and leaf.retired_at is None
    assert _category(database, "signal/indoor/lift") is None


def test_the_trees_show_three_levels_with_both_names(client: TestClient) -> None:
    as_user(client, "admin")
    assert client.get(TAXONOMY, follow_redirects=False).headers["location"] == CATEGORIES
    page = client.get(CATEGORIES)
    assert page.status_code == 200
    text = text_of(page.text)
    assert "故障现象分类" in text and "故障原因" in text
    node = re.search(r'<li id="node-signal/indoor".*?</ul>', page.text, re.S)
    assert node and f'id="node-{LEAF}"' in node.group(0)  # level 3 inside level 2
    assert 'class="level-3"' in node.group(0) or "level-3" in node.group(0)
    causes = client.get(CAUSES)
    assert "弱覆盖区域" in text_of(causes.text)
    assert 'id="node-network/coverage/weak_area"' in causes.text


def test_the_administrator_adds_a_node_usable_at_once(
    client: TestClient, database: Database
) -> None:
    token = as_user(client, "admin")
    data = {
        "parent": "signal/indoor", "code": "signal/indoor/lift", "name": "电梯内无信号",
        "name_en": "No signal in lifts", "station": "field",
    }  # fmt: skip
    response = _post(client, CATEGORIES, token, data)
    assert response.status_code == 303, text_of(response.text)
    node = _category(database, "signal/indoor/lift")
    assert node is not None
    assert (node.name, node.name_en, node.parent, node.level, node.station_code) == (
        "电梯内无信号", "No signal in lifts", "signal/indoor", 3, "field",
    )  # fmt: skip
    page = client.get(response.headers["location"]).text
    assert "No signal in lifts" in page and "已添加：signal/indoor/lift" in text_of(page)
    assert _intake_offers(client, "signal/indoor/lift")
    with database.unit_of_work(write=False) as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == "signal/indoor/lift")
        ).one()
    assert entry.action == "category.create" and "(none) → name: 电梯内无信号" in entry.summary


def test_bad_nodes_are_refused_naming_the_field(client: TestClient, database: Database) -> None:
    token = as_user(client, "admin")
    cases: list[tuple[dict[str, str], str, str]] = [
        ({"code": "Signal Lift", "name": "电梯"}, "add-code", "最多三段"),
        ({"code": "signal/lift", "name": " "}, "add-name", "请填写此项"),
        ({"code": "signal/indoor/weak/x", "name": "太深", "parent": LEAF}, "add-parent",
         "第三级节点下不能再添加子节点"),
        ({"code": "x/y", "name": "某类", "parent": "nope"}, "add-parent", "请从列表中选择上级节点"),
        ({"code": LEAF, "name": "重复", "parent": "signal/indoor"}, "add-code", "此代码已被使用"),
    ]  # fmt: skip
    for data, field, message in cases:
        response = _post(client, CATEGORIES, token, data)
        assert response.status_code == 422, data
        assert _invalid(response.text) == {field}, data
        assert message in text_of(response.text), data
        assert f'value="{data["code"]}"' in response.text  # kept as typed
    assert _category(database, "signal/lift") is None


def test_rename_and_move_keep_the_code_and_the_breadcrumb_follows(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    ticket = Desk(client, database, clock).create(category=LEAF)
    token = as_user(client, "admin")
    leaf = _category(database, LEAF)
    assert leaf is not None
    form = _edit(leaf, name="室内弱信号", name_en="Weak indoor signal", parent="signal/5g")
    response = _post(client, f"{CATEGORIES}/{LEAF}", token, form)
    assert response.status_code == 303, text_of(response.text)
    moved = _category(database, LEAF)
    assert moved is not None
    assert (moved.name, moved.name_en, moved.parent, moved.level) == (
        "室内弱信号", "Weak indoor signal", "signal/5g", 3,
    )  # fmt: skip
    with database.unit_of_work(write=False) as session:
        summary = session.scalars(
            select(AuditEntry.summary)
            .where(AuditEntry.entity_id == LEAF, AuditEntry.action == "category.update")
        ).one()  # fmt: skip
    assert "name: 室内信号弱 → 室内弱信号" in summary
    assert "parent: signal/indoor → signal/5g" in summary
    # The ticket keeps its code; its page names the new parent, not the code's prefix.
    with database.unit_of_work(write=False) as session:
        coverage = session.get(Category, "signal/5g")
        assert coverage is not None
        parent_name = coverage.name
    page = text_of(client.get(f"/console/tickets/{ticket['id']}").text)
    assert f"信号/网络质量 › {parent_name} › 室内弱信号" in page
    assert "室内覆盖 › 室内弱信号" not in page
    # A move under itself, or past the third level, is named on `parent`.
    branch = _category(database, "signal/indoor")
    assert branch is not None
    refused = _post(client, f"{CATEGORIES}/signal/indoor", token,
                    _edit(branch, parent="signal/5g"))  # fmt: skip
    assert refused.status_code == 422 and _invalid(refused.text) == {"node-parent"}
    assert "超过第三级" in text_of(refused.text)


def test_retiring_needs_a_confirmation_greys_the_node_and_leaves_the_pickers(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    ticket = Desk(client, database, clock).create(category=LEAF)
    token = as_user(client, "admin")
    assert _intake_offers(client, LEAF)
    unconfirmed = _post(client, f"{CATEGORIES}/{LEAF}", token, {"do": "retire"})
    assert unconfirmed.status_code == 422 and _invalid(unconfirmed.text) == {"node-confirm"}
    retired = _post(client, f"{CATEGORIES}/{LEAF}", token, {"do": "retire", "confirm": "yes"})
    assert retired.status_code == 303
    node = _category(database, LEAF)
    assert node is not None and node.retired_at == clock.now()
    tree = client.get(CATEGORIES).text
    shown = re.search(rf'<li id="node-{LEAF}" class="([^"]*)".*?</li>', tree, re.S)
    assert shown and "retired" in shown.group(1) and "已停用" in text_of(shown.group(0))
    assert not _intake_offers(client, LEAF)
    assert _intake_offers(client, "signal/indoor/no_service")
    # the ticket keeps and shows it
    assert "室内信号弱" in text_of(client.get(f"/console/tickets/{ticket['id']}").text)
    # retired nodes are not offered as parents
    assert f'<option value="{LEAF}"' not in tree


def test_causes_are_added_renamed_and_retired_too(client: TestClient, database: Database) -> None:
    token = as_user(client, "admin")
    code = "network/coverage/new_site"
    data = {"parent": "network/coverage", "code": code, "name": "新建站点未开通"}
    assert _post(client, CAUSES, token, data).status_code == 303
    rename = {"do": "save", "name": "新站未开通", "name_en": "New site not on air",
              "parent": "network/coverage"}  # fmt: skip
    assert _post(client, f"{CAUSES}/{code}", token, rename).status_code == 303
    retire = {"do": "retire", "confirm": "yes"}
    assert _post(client, f"{CAUSES}/{code}", token, retire).status_code == 303
    with database.unit_of_work(write=False) as session:
        cause = session.get(Cause, code)
        assert cause is not None
        assert (cause.name, cause.name_en, cause.retired_at is not None) == (
            "新站未开通", "New site not on air", True,
        )  # fmt: skip
    assert 'name="station"' not in client.get(f"{CAUSES}/{code}").text
