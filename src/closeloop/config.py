"""Settings from CLOSELOOP_* environment variables and an optional .env file (CONTRACT §1)."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "closeloop-dev-secret-change-me"


class Settings(BaseSettings):
    """Every setting CloseLoop reads; names are CLOSELOOP_ + the field name in capitals."""

    model_config = SettingsConfigDict(
        env_prefix="CLOSELOOP_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = "sqlite:///./closeloop.db"
    secret_key: str = DEV_SECRET
    timezone: str = "Asia/Shanghai"
    demo_password: str = "closeloop-demo"
    language: str = "zh-CN"
    token_ttl_minutes: int = Field(default=720, ge=1)
    login_failures_per_minute: int = Field(default=5, ge=1)
    # per client address: high, because a call centre's agents share one NAT address
    login_failures_per_address_per_minute: int = Field(default=100, ge=1)
    chat_rate_per_min: int = Field(default=30, ge=1)
    log_level: str = "INFO"
    log_json: bool = False
    worker_enabled: bool = True
    # requests one server process works on at once; more wait in line (http/admission.py)
    requests_in_flight: int = Field(default=4, ge=1)
    # proactive care (care/): quiet hours, daily cap and delivery channels
    quiet_hours: str = "22:00-08:00"
    care_daily_cap: int = Field(default=5, ge=1)
    # `closeloop usage ingest` reads and commits the file in blocks of this many MiB
    usage_block_mb: int = Field(default=96, ge=1)
    delivery_max_attempts: int = Field(default=6, ge=1)
    delivery_backoff_seconds: int = Field(default=30, ge=1)
    # a dispatcher's claim on a notice (care/dispatcher.py): a notice still `sending` after it
    # was claimed by a process that died, and is retried
    delivery_lease_seconds: int = Field(default=60, ge=8)
    smpp_host: str = ""
    smpp_port: int = 2775
    smpp_system_id: str = ""
    smpp_password: str = ""
    smpp_source_addr: str = "10000"
    smpp_rate_per_sec: float = Field(default=50.0, gt=0)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_sender: str = "closeloop@localhost"
    smtp_starttls: bool = False
    smtp_rate_per_sec: float = Field(default=10.0, gt=0)
    outage_emails: str = ""
    webhook_url: str = ""
    webhook_secret: str = ""
    # channels/: the phone system signs `POST /api/v1/cti/events` with this HMAC key (empty: its
    # token alone is enough); tracking links in notices start with `public_url`
    cti_secret: str = ""
    public_url: str = "http://127.0.0.1:8000"
    webhook_rate_per_sec: float = Field(default=20.0, gt=0)
    # channels/ inbound e-mail: the mailbox polled over IMAP (empty host: no polling)
    imap_host: str = ""
    imap_port: int = 993
    imap_tls: bool = True
    imap_username: str = ""
    imap_password: str = ""
    imap_folder: str = "INBOX"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_window(cls, value: str) -> str:
        if value.strip():
            first, dash, second = value.partition("-")
            try:
                time.fromisoformat(first.strip())
                time.fromisoformat(second.strip())
            except ValueError as exc:
                raise ValueError("quiet_hours must look like 22:00-08:00 (or be empty)") from exc
            if not dash:
                raise ValueError("quiet_hours must look like 22:00-08:00 (or be empty)")
        return value

    @field_validator("language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        if value not in ("zh-CN", "en"):
            raise ValueError("language must be zh-CN or en")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The operator's local time zone."""
        return ZoneInfo(self.timezone)

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is the embedded SQLite file."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
