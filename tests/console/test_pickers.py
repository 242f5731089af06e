"""The console's pickers offer only what the services accept (#24: retired codes can no longer
be chosen) — active leaves, working stations — while names of retired and moved nodes are still
read along their parents for the tickets that carry them."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.console import pickers
from closeloop.db.engine import Database
from closeloop.organisation.models import Category, Cause, Station
from tests.console.helpers import sign_in

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _codes(groups: list[pickers.ChoiceGroup]) -> set[str]:
    return {c.code for g in groups for c in g.choices}


def test_retired_leaves_are_not_offered_and_a_parent_left_without_children_is(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        before = _codes(pickers.leaf_groups(session, Category))
        assert "signal/indoor/weak" in before and "signal/indoor" not in before
        children = list(session.scalars(select(Category).where(Category.parent == "signal/indoor")))
        for node in children:
            node.retired_at = AT
        cause = session.get(Cause, "network/coverage/weak_area")
        assert cause is not None
        cause.retired_at = AT
        session.flush()
        after = _codes(pickers.leaf_groups(session, Category))
        assert not {n.code for n in children} & after
        assert "signal/indoor" in after  # a leaf again (service.leaf_problem agrees)
        causes = _codes(pickers.leaf_groups(session, Cause))
        assert "network/coverage/weak_area" not in causes
        assert "network/coverage/blind_spot" in causes


def test_the_dispatch_picker_offers_working_stations_and_names_stay(database: Database) -> None:
    with database.unit_of_work() as session:
        vas = session.get(Station, "vas")
        assert vas is not None
        vas.retired_at = AT
        leaf = session.get(Category, "signal/indoor/weak")
        assert leaf is not None
        leaf.station_code = "vas"
        session.flush()
        offered = [c.code for c in pickers.station_choices(session, retired=False)]
        assert offered == ["billing", "field", "netops", "wireless"]
        assert pickers.station_names(session)["vas"] == "增值业务部"  # tickets still show it
        assert pickers.category_station(session, "signal/indoor/weak") is None
        assert pickers.category_station(session, "signal/indoor/no_service") == "wireless"


def test_the_breadcrumb_follows_the_parents_not_the_codes_prefix(database: Database) -> None:
    with database.unit_of_work() as session:
        leaf = session.get(Category, "signal/indoor/weak")
        assert leaf is not None
        assert pickers.names_along(session, Category, leaf.code) == [
            "信号/网络质量", "室内覆盖", "室内信号弱",
        ]  # fmt: skip
        leaf.parent = "signal/5g"
        leaf.retired_at = AT
        session.flush()
        assert pickers.names_along(session, Category, leaf.code) == [
            "信号/网络质量", "5G网络", "室内信号弱",
        ]  # fmt: skip
        assert pickers.names_along(session, Category, "gone/code") == ["gone/code"]
        assert pickers.names_along(session, Cause, None) == []


def test_english_pages_name_nodes_and_stations_in_english_where_they_have_a_name(
    database: Database,
) -> None:
    with database.unit_of_work() as session:
        leaf = session.get(Category, "signal/indoor/weak")
        wireless = session.get(Station, "wireless")
        assert leaf is not None and wireless is not None
        leaf.name_en, wireless.name_en = "Weak indoor signal", "Wireless centre"
        session.flush()
        labels = {
            c.code: c.label for g in pickers.leaf_groups(session, Category, "en") for c in g.choices
        }
        assert labels["signal/indoor/weak"].endswith("Weak indoor signal")
        chinese = {
            c.code: c.label for g in pickers.leaf_groups(session, Category) for c in g.choices
        }
        assert "Weak" not in chinese["signal/indoor/weak"]
        assert (
            pickers.names_along(session, Category, "signal/indoor/weak", "en")[-1]
            == "Weak indoor signal"
        )
        assert pickers.station_names(session, "en")["wireless"] == "Wireless centre"
        assert (
            pickers.station_names(session, "en")["field"] == pickers.station_names(session)["field"]
        )
        assert pickers.station_names(session)["wireless"] != "Wireless centre"


def test_the_english_intake_form_offers_the_english_names(
    client: TestClient, database: Database
) -> None:
    with database.unit_of_work() as session:
        leaf = session.get(Category, "signal/indoor/weak")
        assert leaf is not None
        leaf.name_en = "Weak indoor signal"
    sign_in(client, "agent")
    english = client.get("/console/tickets/new?lang=en").text
    assert "Weak indoor signal" in english
    assert "Weak indoor signal" not in client.get("/console/tickets/new?lang=zh-CN").text
