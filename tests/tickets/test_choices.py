"""The ticket's sets are declared once (closeloop.tickets.choices); the workflow table, the API
schemas and the TMF mapping derive from them."""

from __future__ import annotations

import dataclasses
from typing import get_args

import pytest

from closeloop.tickets import choices, schemas, workflow
from closeloop.tmf import ticket_mapping as tmf


def test_workflow_statuses_come_from_the_choices() -> None:
    assert choices.STATUSES.codes == workflow.STATUSES
    assert choices.ACTIONS.codes == workflow.ACTIONS
    assert set(workflow.OPEN_STATUSES) == set(workflow.STATUSES) - {"closed", "cancelled"}
    assert workflow.STATION_STATUSES == ("dispatched", "in_progress", "pending")
    assert workflow.SATISFIED == ("satisfied", "basically_satisfied")


def test_the_table_names_declared_statuses_and_actions_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workflow._check_table()
    row = workflow.TRANSITIONS[0]
    bad = (dataclasses.replace(row, target="archived"), *workflow.TRANSITIONS[1:])
    monkeypatch.setattr(workflow, "TRANSITIONS", bad)
    with pytest.raises(ValueError, match="undeclared status 'archived'"):
        workflow._check_table()
    rows = tuple(t for t in workflow.TRANSITIONS if t.action != "reopen")
    monkeypatch.setattr(workflow, "TRANSITIONS", rows)
    with pytest.raises(ValueError, match="action 'reopen' has no row"):
        workflow._check_table()


def test_schemas_allow_exactly_the_codes() -> None:
    fields = schemas.TicketIn.model_fields
    assert get_args(fields["channel"].annotation) == choices.CHANNELS.codes
    assert get_args(fields["type"].annotation) == choices.TYPES.codes
    assert get_args(fields["severity"].annotation) == choices.SEVERITIES.codes


def test_every_status_and_severity_has_a_tmf_name() -> None:
    assert set(tmf.TO_TMF_STATUS) == set(choices.STATUSES.codes)
    assert tmf.TO_TMF_STATUS["new"] == "acknowledged"
    assert tmf.TO_TMF_SEVERITY == {
        "urgent": "Critical", "high": "High", "normal": "Medium", "low": "Low"
    }  # fmt: skip
    for word, native in {"Critical": "urgent", "major": "high", "MEDIUM": "normal"}.items():
        assert tmf.native_severity(word) == native
    assert tmf.native_severity("whatever") == "normal"
