"""The care rules' settings service: operators switch rules and change parameters, audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care import rule_settings
from closeloop.care.models import CareRule
from closeloop.care.rules import DEFAULT_RULES, load_rules
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import Forbidden, InvalidInput, NotFound

EDITOR = Actor(username="supervisor", roles=("supervisor",), permissions=frozenset({"care.rules"}))
AGENT = Actor(username="agent", roles=("agent",), permissions=frozenset({"notifications.read"}))


def test_changed_parameters_merge_over_the_defaults_and_earlier_changes(
    database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        first = rule_settings.edit_rule(
            session, EDITOR, "roaming_data", params={"step_mb": 50}, clock=clock
        )
        assert first.params == {"step_mb": 50, "max_steps": 1000}
        second = rule_settings.edit_rule(
            session, EDITOR, "roaming_data", params={"max_steps": 10}, clock=clock
        )
        assert second.params == {"step_mb": 50, "max_steps": 10}
        assert second.enabled is True
    with database.unit_of_work(write=False) as session:
        assert load_rules(session)["roaming_data"] == second
        row = session.get(CareRule, "roaming_data")
        assert row is not None
        assert json.loads(row.params) == {"step_mb": 50, "max_steps": 10}
        assert (row.updated_by, row.updated_at) == ("supervisor", clock.now())


def test_switching_a_rule_off_keeps_its_parameters_and_none_leaves_it_as_it_is(
    database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        rule_settings.edit_rule(session, EDITOR, "data_threshold", params={"levels": [50, 90]},
                                clock=clock)  # fmt: skip
        off = rule_settings.edit_rule(session, EDITOR, "data_threshold", enabled=False,
                                      clock=clock)  # fmt: skip
        assert off.enabled is False and off.params["levels"] == [50, 90]
        unchanged = rule_settings.edit_rule(session, EDITOR, "data_threshold", clock=clock)
        assert unchanged == off
        on = rule_settings.edit_rule(session, EDITOR, "data_threshold", enabled=True, params={},
                                     clock=clock)  # fmt: skip
        assert on.enabled is True and on.params["levels"] == [50, 90]


def test_every_change_is_audited_with_what_the_rule_now_holds(
    database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        rule_settings.edit_rule(
            session, EDITOR, "usage_summary", enabled=False, params={"hour": 10}, clock=clock
        )
    with database.unit_of_work(write=False) as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "care.rule")))
    assert [(e.actor, e.entity_type, e.entity_id, e.summary) for e in entries] == [
        ("supervisor", "care_rule", "usage_summary", 'enabled=False params={"hour": 10}')
    ]


def test_an_unknown_rule_is_not_found(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session, pytest.raises(NotFound) as caught:
        rule_settings.edit_rule(session, EDITOR, "weather", enabled=False, clock=clock)
    assert caught.value.detail == "no rule 'weather'"


@pytest.mark.parametrize(
    ("rule", "params", "message"),
    [
        ("roaming_data", {"step_mb": 0}, "step_mb must be a positive whole number"),
        ("roaming_data", {"bogus": 1}, "unknown parameter(s) bogus for roaming_data"),
        ("roaming_arrival", {"x": 1}, "unknown parameter(s) x for roaming_arrival"),
        ("usage_summary", {"hour": 24}, "hour must be 0–23"),
    ],
)
def test_parameters_the_rule_does_not_take_are_refused_and_nothing_changes(
    database: Database, clock: FixedClock, rule: str, params: dict[str, int], message: str
) -> None:
    with database.unit_of_work() as session:
        with pytest.raises(InvalidInput) as caught:
            rule_settings.edit_rule(session, EDITOR, rule, enabled=False, params=params,
                                    clock=clock)  # fmt: skip
        assert caught.value.extra["errors"] == [{"loc": ["body", "params"], "msg": message}]
        assert session.get(CareRule, rule) is None
        assert load_rules(session)[rule] == DEFAULT_RULES[rule]


def test_only_holders_of_the_care_rules_permission_read_or_change_them(
    database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        with pytest.raises(Forbidden):
            rule_settings.edit_rule(session, AGENT, "roaming_data", enabled=False, clock=clock)
        with pytest.raises(Forbidden):
            rule_settings.rules_in_force(session, AGENT)
        assert session.get(CareRule, "roaming_data") is None


def test_the_rules_in_force_are_every_rule_with_the_operators_changes(
    database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        rule_settings.edit_rule(session, EDITOR, "roaming_arrival", enabled=False, clock=clock)
        rules = rule_settings.rules_in_force(session, EDITOR)
    assert [r.rule for r in rules] == list(DEFAULT_RULES)
    assert {r.rule for r in rules if not r.enabled} == {"roaming_arrival"}
