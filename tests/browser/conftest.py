"""Browser tests: Playwright drives Debian's Chromium against a live CloseLoop server.

Each test gets its own copy of the seeded demo database and its own server on a free port.
Screenshots of every page a test visits go to `artifacts/screenshots/` (not committed).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright

from closeloop.app import create_app
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from tests.support import DEMO_PASSWORD, NOW

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# This machine's network is closed: without these, Chromium keeps dialling Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives the browser (`-m "not browser"` leaves them out; a
    `pytestmark` in a conftest would mark nothing). Under pytest-xdist with `--dist loadgroup`
    they all run in one worker, which starts Chromium once."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


class RunningClock(Clock):
    """Real time moving on from the moment the demo data was made."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._origin = time.monotonic()

    def now(self) -> datetime:
        from datetime import timedelta

        return self._start + timedelta(seconds=time.monotonic() - self._origin)


@pytest.fixture
def live_server(db_url: str) -> Iterator[str]:
    """A CloseLoop server on the test's database; yields its base URL."""
    settings = Settings(database_url=db_url, demo_password=DEMO_PASSWORD, worker_enabled=False)
    database = Database(db_url)
    app = create_app(settings, database=database, clock=RunningClock(NOW), start_worker=False)
    # The server listens on a socket bound here, so no other process (a parallel test worker)
    # can take its port between choosing and binding it.
    listener = socket.create_server(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the CloseLoop server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()
    database.dispose()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Headless Debian Chromium (scripts/ensure-chromium installs it)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium")
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


class Screens:
    """Saves a screenshot of each page a test looks at, named by test and step."""

    def __init__(self, test_name: str) -> None:
        self.folder = ARTIFACTS / test_name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, page: Page, step: str) -> None:
        """Keep what the page looks like now."""
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


@pytest.fixture
def screens(request: pytest.FixtureRequest) -> Screens:
    """Screenshots for this test under artifacts/screenshots/<test>/."""
    return Screens(request.node.name)


# Reports every refusal of the pages' Content-Security-Policy on the browser's console (an
# init script comes from the browser itself, so the policy does not apply to it).
REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} line ${e.lineNumber}`)
);
"""


def _is_policy_violation(message: ConsoleMessage) -> bool:
    text = message.text
    return message.type == "error" and ("CSP violation" in text or "Content Security" in text)


@pytest.fixture
def signed_in(browser: Browser, live_server: str) -> Iterator[Callable[[str], Page]]:
    """Opens a page for a demo user in their own browser context, signed in through /login.

    At the end, no page of the test may have had anything refused by the security policy."""
    contexts = []
    violations: list[str] = []

    def watch(page: Page) -> None:
        page.on(
            "console",
            lambda m: (
                violations.append(f"{page.url}: {m.text}") if _is_policy_violation(m) else None
            ),
        )

    def open_as(username: str) -> Page:
        context = browser.new_context(
            base_url=live_server, viewport={"width": 1280, "height": 900}, locale="zh-CN"
        )
        context.add_init_script(REPORT_POLICY_VIOLATIONS)
        context.on("page", watch)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/console")
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert violations == []
