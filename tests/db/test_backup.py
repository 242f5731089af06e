"""`closeloop backup FILE`: a consistent copy of the embedded database while the server writes,
restored into a new server that serves the same tickets."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from closeloop.db.backup import plan_backup
from tests.conftest import BACKEND
from tests.support import DEMO_PASSWORD, Cli
from tests.support.server import closeloop_command, server_env, serving
from tests.tickets.helpers import ticket_body

sqlite_only = pytest.mark.skipif(BACKEND != "sqlite", reason="backs up the embedded database")
SAME = ("id", "number", "status", "version", "title", "customer_id", "category", "severity")


class TicketWriter(threading.Thread):
    """An agent opening ticket after ticket through the API until told to stop."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.http = httpx.Client(base_url=base, timeout=60)
        token = self.http.post(
            "/api/v1/auth/token", json={"username": "agent", "password": DEMO_PASSWORD}
        ).json()["access_token"]
        self.http.headers["Authorization"] = f"Bearer {token}"
        customers = self.http.get("/api/v1/customers?limit=1").json()["items"]
        self.customer = str(customers[0]["id"])
        self.acknowledged: list[str] = []  # ids of tickets the server answered 201 for
        self.stopping = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            n += 1
            body = ticket_body(self.customer, title=f"备份时写入的工单 {n}")
            answer = self.http.post("/api/v1/tickets", json=body)
            assert answer.status_code == 201, answer.text
            self.acknowledged.append(str(answer.json()["id"]))

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.acknowledged) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.acknowledged) >= count, "the server stopped acknowledging tickets"


def _tickets(base: str, ids: list[str]) -> dict[str, dict[str, Any] | None]:
    """Each ticket as the server shows it to a supervisor (None: not found)."""
    with httpx.Client(base_url=base, timeout=60) as http:
        token = http.post(
            "/api/v1/auth/token", json={"username": "supervisor", "password": DEMO_PASSWORD}
        ).json()["access_token"]
        shown: dict[str, dict[str, Any] | None] = {}
        for ticket_id in ids:
            answer = http.get(
                f"/api/v1/tickets/{ticket_id}", headers={"Authorization": f"Bearer {token}"}
            )
            assert answer.status_code in (200, 404), answer.text
            found = answer.json() if answer.status_code == 200 else None
            shown[ticket_id] = {k: found[k] for k in SAME} if found else None
        return shown


@sqlite_only
def test_a_backup_taken_while_the_server_writes_restores_into_a_server_with_the_same_tickets(
    db_url: str, tmp_path: Path
) -> None:
    copy = tmp_path / "backup.db"
    during: list[int] = []
    with serving(server_env(db_url), log=tmp_path / "serve.log") as base:
        writer = TicketWriter(base)
        writer.start()
        writer.wait_for(3)
        plan = plan_backup(db_url, copy)
        started_with = len(writer.acknowledged)

        def step(copied: int, total: int) -> None:
            during.append(len(writer.acknowledged))
            # the first steps each wait for the server to acknowledge one more ticket, so
            # writes certainly land between the backup's steps
            if len(during) <= 4:
                writer.wait_for(len(writer.acknowledged) + 1)

        done = plan.run(step, pages_per_step=16)
        ended_with = len(writer.acknowledged)
        writer.stopping.set()
        writer.join(timeout=60)
        original = _tickets(base, writer.acknowledged)

    assert len(during) > 4 and done.pages > 4 * 16
    assert ended_with >= started_with + 4  # the server went on writing during the backup

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'closeloop.db'}"
    (tmp_path / "restored").mkdir()
    shutil.copyfile(copy, tmp_path / "restored" / "closeloop.db")
    env = server_env(restored_url)
    subprocess.run(closeloop_command("migrate"), env=env, check=True, capture_output=True)
    with serving(env, log=tmp_path / "restored.log") as base:
        restored = _tickets(base, writer.acknowledged)

    kept = [tid for tid in writer.acknowledged if restored[tid] is not None]
    # the copy is the database as it stood when the backup began: every ticket acknowledged
    # by then, and, being one snapshot, the tickets opened before any it holds
    assert kept == writer.acknowledged[: len(kept)]
    # (at most one more than the first step saw: the one being written as the backup began)
    assert started_with <= len(kept) <= during[0] + 1
    assert all(restored[tid] == original[tid] for tid in kept)


@sqlite_only
def test_the_command_shows_progress_and_keeps_an_existing_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "nightly.db"

    first = cli("backup", str(target))
    again = cli("backup", str(target))

    assert first.exit_code == 0, first.output
    assert "pages" in first.stderr and "backed up" in first.stderr
    assert again.exit_code == 1
    assert "exists" in again.stderr and "--overwrite" in again.stderr
    assert cli("backup", str(target), "--overwrite").exit_code == 0
    assert not list(tmp_path.glob(".nightly.db.partial-*"))


def test_a_server_database_is_refused_with_a_pointer_to_pg_dump(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from closeloop.config import get_settings

    if BACKEND == "sqlite":
        monkeypatch.setenv("CLOSELOOP_DATABASE_URL", "postgresql+psycopg://cl:pw@db.example/cl")
        get_settings.cache_clear()

    result = cli("backup", str(tmp_path / "copy.db"))

    assert result.exit_code == 1
    assert "pg_dump" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "copy.db").exists()
