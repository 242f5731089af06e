"""Settings come from CLOSELOOP_* variables and .env with the contract's defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from closeloop.config import Settings


def test_defaults_match_the_contract(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "TIMEZONE", "DEMO_PASSWORD", "LANGUAGE", "SECRET_KEY"):
        monkeypatch.delenv(f"CLOSELOOP_{name}", raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///./closeloop.db"
    assert settings.timezone == "Asia/Shanghai"
    assert settings.demo_password == "closeloop-demo"
    assert settings.language == "zh-CN"
    assert settings.chat_rate_per_min == 30


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CLOSELOOP_LANGUAGE=en\nCLOSELOOP_SECRET_KEY=from-dotenv\n")
    monkeypatch.setenv("CLOSELOOP_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("CLOSELOOP_TIMEZONE", "Asia/Urumqi")
    settings = Settings()
    assert settings.language == "en"
    assert settings.secret_key == "from-dotenv"
    assert settings.database_url == "postgresql+psycopg://u@h/db"
    assert settings.tz.key == "Asia/Urumqi"


def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLOSELOOP_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ValidationError, match="timezone"):
        Settings()
