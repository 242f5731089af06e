"""The day rollups kept by ticket events equal a recomputation from the histories, for any
history (hypothesis walks tickets through the workflow with the clock jumping between steps),
every grouping, and after `rebuild`."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.kpis import rebuild
from closeloop.kpis.values import ROLLED_UP
from tests.tickets.helpers import Desk

GROUPINGS = (None, "station", "region", "channel", "category", "agent", "day", "week", "month")
CODES = ",".join(sorted(ROLLED_UP))
_EXAMPLES = itertools.count()

# What may happen to a ticket in each status: (action, who, body overrides).
MOVES: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "new": [("resolve", "agent", {}), ("escalate", "agent", {}), ("cancel", "agent", {})],
    "expert": [("dispatch", "expert", {"station": "wireless"}),
               ("dispatch", "expert", {"station": "field"})],
    "dispatched": [("accept", "@", {}), ("return", "@", {})],
    "in_progress": [("reply", "@", {}), ("return", "@", {}), ("hold", "@", {}),
                    ("dispatch", "@", {"station": "wireless"})],
    "pending": [("resume", "@", {})],
    "replied": [("callback", "callback", {}),
                ("callback", "callback", {"satisfaction": "unsatisfied", "score": 1}),
                ("callback", "callback", {"reached": False})],
    "closed": [("reopen", "supervisor", {})],
}  # fmt: skip

# What else happens on the service desk meanwhile: contacts ending (AHT), phone calls reported
# by the phone system, self-service conversations (bot containment).
CONTACTS = ("reported", "opened_then_ended", "open", "call", "chat_answered", "chat_handed_over",
            "chat_no_number")  # fmt: skip
others = st.lists(st.tuples(st.sampled_from(CONTACTS), st.sampled_from([1, 90, 600, 2000])),
                  max_size=4)  # fmt: skip

stories = st.lists(
    st.tuples(
        st.sampled_from(["fault", "complaint", "inquiry"]),
        st.lists(st.tuples(st.integers(0, 6), st.sampled_from([5, 50, 300, 1500, 4000]))),
    ),
    min_size=1,
    max_size=4,
)


def _walk(desk: Desk, kind: str, steps: list[tuple[int, int]]) -> None:
    ticket = desk.create(type=kind)
    for pick, minutes in steps[:8]:
        moves = MOVES.get(ticket["status"], [])
        if not moves:
            return
        action, user, body = moves[pick % len(moves)]
        if body.get("station") == ticket["station"] and ticket["status"] == "in_progress":
            body = {"station": "field" if ticket["station"] == "wireless" else "wireless"}
        desk.advance(timedelta(minutes=minutes))
        response = desk.act(
            ticket["id"], action, ticket["station"] if user == "@" else user, **body
        )
        if response.status_code == 200:
            ticket = response.json()


def _contact(desk: Desk, kind: str, seconds: int) -> None:
    """One contact or conversation, then the clock moves on."""
    client, customer = desk.client, desk.customer()
    if kind.startswith("chat"):
        said = {"chat_answered": "彩铃怎么取消", "chat_handed_over": "转人工",
                "chat_no_number": "转人工"}[kind]  # fmt: skip
        msisdn = {} if kind == "chat_no_number" else {"msisdn": customer.msisdn}
        answer = client.post("/api/v1/assist/chat", json={"message": said, **msisdn})
        assert answer.status_code == 200, answer.text
    elif kind == "call":
        at = desk.clock.now()
        for event, offset in (("ringing", 0), ("answered", 5), ("ended", 5 + seconds)):
            call = {"event": event, "call_id": f"kpi-{at.timestamp()}-{customer.id}",
                    "caller": customer.msisdn, "agent": "agent",
                    "at": (at - timedelta(seconds=5 + seconds - offset)).isoformat()}  # fmt: skip
            sent = client.post("/api/v1/cti/events", json=call, headers=desk.headers("admin"))
            assert sent.status_code == 200, sent.text
    else:
        body: dict[str, Any] = {"channel": "hotline", "summary": "来电"}
        if kind == "reported":
            body["duration_seconds"] = seconds
            body["started_at"] = (desk.clock.now() - timedelta(seconds=seconds)).isoformat()
        made = client.post(f"/api/v1/customers/{customer.id}/contacts", json=body,
                           headers=desk.headers("agent"))  # fmt: skip
        assert made.status_code == 201, made.text
        if kind == "opened_then_ended":
            desk.advance(timedelta(seconds=seconds))
            ended = client.post(f"/api/v1/contacts/{made.json()['id']}/end",
                                headers=desk.headers("agent"))  # fmt: skip
            assert ended.status_code == 200, ended.text
    desk.advance(timedelta(seconds=seconds))


def _items(
    client: TestClient, desk: Desk, **params: Any
) -> dict[tuple[str, Any], tuple[float, float]]:
    response = client.get("/api/v1/kpis/values", params={"codes": CODES, **params},
                          headers=desk.headers("admin"))  # fmt: skip
    assert response.status_code == 200, response.text
    return {
        (i["code"], i["group"]): (i["numerator"], i["denominator"])
        for i in response.json()["items"]
    }


def _same(a: dict[Any, tuple[float, float]], b: dict[Any, tuple[float, float]]) -> None:
    def kept(d: dict[Any, tuple[float, float]]) -> dict[Any, tuple[float, float]]:
        return {k: (round(n or 0, 4), round(m or 0, 4)) for k, (n, m) in d.items() if n or m}

    assert kept(a) == kept(b)


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(story=stories, contacts=others)
def test_rollups_equal_recomputation(
    client: TestClient,
    database: Database,
    clock: FixedClock,
    story: list[tuple[str, list[tuple[int, int]]]],
    contacts: list[tuple[str, int]],
) -> None:
    # every example gets its own quarter, far from the demo's tickets and the other examples'
    start = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(days=120 * next(_EXAMPLES))
    clock.advance(start - clock.now())
    desk = Desk(client, database, clock)
    for kind, steps in story:
        _walk(desk, kind, steps)
    for kind, seconds in contacts:
        _contact(desk, kind, seconds)
    local = start + timedelta(hours=8)
    period = {
        "from": local.date().isoformat(),
        "to": (local + timedelta(days=100)).date().isoformat(),
    }
    for by in GROUPINGS:
        extra = {"by": by} if by else {}
        _same(
            _items(client, desk, **period, **extra),
            _items(client, desk, **period, **extra, exact=True),
        )


def test_rebuilt_rollups_equal_the_kept_ones(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    for kind in ("fault", "complaint"):
        _walk(desk, kind, [(1, 30), (0, 30), (0, 600), (0, 30), (0, 30)])
    period = {"from": "2026-11-01", "to": "2026-12-01", "by": "station"}
    kept = _items(client, desk, **period)
    with database.unit_of_work() as session:
        assert rebuild.rebuild(session, clock_tz()) > 0
    _same(kept, _items(client, desk, **period))
    _same(kept, _items(client, desk, **period, exact=True))


def clock_tz() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_resolution_rate_counts_for_the_station_first_dispatched_to(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    start = datetime(2028, 3, 1, 1, 0, tzinfo=UTC)  # far from the other tests' tickets
    clock.advance(start - clock.now())
    desk = Desk(client, database, clock)
    moved = desk.create()  # wireless first, sent back, then field, which answers: closed
    steps: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("escalate", "agent", {}),
        ("dispatch", "expert", {"station": "wireless"}),
        ("return", "wireless", {}),
        ("dispatch", "expert", {"station": "field"}),
        ("accept", "field", {}),
        ("reply", "field", {}),
        ("callback", "callback", {}),
    )
    for action, user, body in steps:
        desk.advance(timedelta(minutes=10))
        desk.do(moved["id"], action, user, **body)
    resolved = desk.create()  # resolved on first contact: no station
    desk.do(resolved["id"], "resolve", "agent")
    waiting = desk.create()  # at field, not closed yet
    desk.do(waiting["id"], "escalate", "agent")
    desk.do(waiting["id"], "dispatch", "expert", station="field")
    period = {"from": "2028-03-01", "to": "2028-04-01", "by": "station", "codes": "resolution_rate"}
    kept = _items(client, desk, **period)
    assert {k: v for k, v in kept.items() if v != (0, 0)} == {
        ("resolution_rate", "wireless"): (1, 1),
        ("resolution_rate", "field"): (0, 1),
        ("resolution_rate", None): (1, 1),
    }
    _same(kept, _items(client, desk, **period, exact=True))
    whole = _items(client, desk, **{**period, "by": "region"})
    assert sum(n for n, _ in whole.values()) == 2 and sum(d for _, d in whole.values()) == 3
