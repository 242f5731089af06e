"""`closeloop wfm erlang` (CONTRACT §12)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from closeloop.cli import app

ARGS = ["wfm", "erlang", "--contacts", "100", "--aht", "180", "--interval", "30"]
TARGET = ["--target-sl", "0.8", "--target-seconds", "20"]


def test_erlang_c_prints_the_contract_fields() -> None:
    result = CliRunner().invoke(app, [*ARGS, *TARGET, "--shrinkage", "0.3", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"agents", "service_level", "asa_seconds", "occupancy", "scheduled"}
    assert (out["agents"], out["scheduled"]) == (14, 20)
    assert abs(out["service_level"] - 0.8884) < 1e-4
    assert abs(out["occupancy"] - 10 / 14) < 1e-6


def test_erlang_a_with_patience_counts_abandoned_contacts_against_the_level() -> None:
    result = CliRunner().invoke(app, [*ARGS, *TARGET, "--patience", "120", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["agents"] == 12 and out["scheduled"] == 12
    assert 0.8 <= out["service_level"] < 0.9
    assert 0 < out["abandoned"] < 0.1


def test_bad_input_is_a_one_line_reason_and_a_non_zero_exit() -> None:
    result = CliRunner().invoke(app, [*ARGS, "--target-sl", "80", "--json"])
    assert result.exit_code != 0
    assert "--target-sl" in result.output
    assert result.stdout.strip() == "" or not result.stdout.startswith("{")
