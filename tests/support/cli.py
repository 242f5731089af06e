"""Running the command line in a test."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.demo import DEMO_PASSWORD


class Cli:
    """Runs `closeloop …` in-process against the test's database."""

    def __init__(self, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        from typer.testing import CliRunner

        from closeloop.config import get_settings

        monkeypatch.setenv("CLOSELOOP_DATABASE_URL", db_url)
        monkeypatch.setenv("CLOSELOOP_DEMO_PASSWORD", DEMO_PASSWORD)
        get_settings.cache_clear()
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        from closeloop.cli import app

        return self.runner.invoke(app, list(args), input=input, catch_exceptions=False)
