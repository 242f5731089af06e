"""`closeloop wfm forecast` from a file and from the database, and `closeloop wfm import`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from closeloop.customers.models import Contact
from closeloop.db.engine import Database
from closeloop.workforce.models import IntervalVolume
from tests.support.factories import Factory

TZ = ZoneInfo("Asia/Shanghai")


def history_csv(tmp_path: Path, weeks: int = 4, extra: tuple[str, ...] = ()) -> Path:
    """Mon–Fri 09:00–11:30 half-hours (6 a day), with `extra` lines appended."""
    lines = ["interval_start,contacts,aht_seconds"]
    first = datetime(2026, 10, 5, 9, 0, tzinfo=TZ)
    for d in range(weeks * 7):
        day = first + timedelta(days=d)
        if day.weekday() < 5:
            lines += [
                f"{(day + timedelta(minutes=30 * s)).isoformat()},{20 + 5 * s},200"
                for s in range(6)
            ]
    path = tmp_path / "history.csv"
    path.write_text("\n".join([*lines, *extra]) + "\n", encoding="utf-8")
    return path


def test_forecast_from_a_file_covers_opening_hours_only(tmp_path: Path, cli: Any) -> None:
    path = history_csv(tmp_path, extra=("2026-11-02T09:00:00+08:00,lots,200",))
    result = cli("wfm", "forecast", str(path), "--horizon", "8", "--json")
    assert result.exit_code == 0, result.output
    assert "line 122: contacts" in result.stderr
    out = json.loads(result.stdout)
    assert out["interval_minutes"] == 30
    starts = [datetime.fromisoformat(i["interval_start"]) for i in out["items"]]
    assert [s.isoformat() for s in starts[:7]] == [
        "2026-11-02T09:00:00+08:00", "2026-11-02T09:30:00+08:00", "2026-11-02T10:00:00+08:00",
        "2026-11-02T10:30:00+08:00", "2026-11-02T11:00:00+08:00", "2026-11-02T11:30:00+08:00",
        "2026-11-03T09:00:00+08:00",
    ]  # fmt: skip
    contacts = [i["contacts"] for i in out["items"]]
    assert contacts[:6] == sorted(contacts[:6])  # the rising morning shape
    assert abs(contacts[0] - 20) < 2 and abs(contacts[5] - 45) < 3


def test_forecast_of_an_unreadable_file_fails_in_one_line(tmp_path: Path, cli: Any) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("when,calls\n", encoding="utf-8")
    result = cli("wfm", "forecast", str(bad), "--horizon", "3", "--json")
    assert result.exit_code != 0
    assert "header" in result.stderr
    missing = cli("wfm", "forecast", str(tmp_path / "nope.csv"), "--horizon", "3", "--json")
    assert missing.exit_code != 0 and "cannot read" in missing.stderr


def test_forecast_from_recorded_contacts(cli: Any, database: Database, factory: Factory) -> None:
    customer = factory.customer()
    now = datetime.now(UTC)
    with database.unit_of_work() as session:
        session.execute(delete(Contact))  # only this test's contacts
        for d in range(1, 22):
            day = (
                (now - timedelta(days=d))
                .astimezone(TZ)
                .replace(hour=10, minute=0, second=0, microsecond=0)
            )
            for s in range(4):
                for n in range(3 + s):
                    session.add(
                        Contact(
                            customer_id=int(customer.id),
                            at=day + timedelta(minutes=30 * s + n),
                            channel="hotline",
                            agent="agent",
                            summary="",
                        )
                    )
    result = cli("wfm", "forecast", "--horizon", "6", "--channel", "hotline", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["interval_minutes"] == 30 and len(out["items"]) == 6
    starts = [datetime.fromisoformat(i["interval_start"]).astimezone(TZ) for i in out["items"]]
    assert all(s.hour in (10, 11) for s in starts)
    assert starts[0] > now - timedelta(minutes=30)


def test_import_keeps_good_rows_and_reports_bad_lines(
    tmp_path: Path, cli: Any, database: Database
) -> None:
    path = history_csv(tmp_path, weeks=1, extra=("yesterday,3,100",))
    result = cli("wfm", "import", str(path), "--channel", "hotline", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["rejected"], summary["interval_minutes"]) == (30, 1, 30)
    assert summary["errors"][0]["line"] == 32
    again = json.loads(cli("wfm", "import", str(path), "--json").stdout)
    assert (again["new"], again["replaced"]) == (0, 30)
    with database.unit_of_work(write=False) as session:
        rows = session.scalars(select(IntervalVolume)).all()
        assert len(rows) == 30 and {r.aht_seconds for r in rows} == {200.0}
    strict = cli("wfm", "import", str(path), "--strict")
    assert strict.exit_code != 0 and "nothing imported" in strict.stderr


def test_roster_from_a_json_file(tmp_path: Path, cli: Any) -> None:
    request = {
        "first": "2026-12-14",
        "days": 1,
        "interval": 60,
        "templates": [{"code": "am", "start": "08:00", "minutes": 240}],
        "agents": [{"username": "agent"}, {"username": "agent2"}],
        "required": {"hotline": {"2026-12-14": [0] * 8 + [2, 2, 1, 1] + [0] * 12}},
    }
    path = tmp_path / "roster.json"
    path.write_text(json.dumps(request), encoding="utf-8")
    result = cli("wfm", "roster", str(path), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["status"], out["shifts"], out["short"], out["over"]) == ("OPTIMAL", 2, 0, 2)
    path.write_text(json.dumps({**request, "days": 0}), encoding="utf-8")
    bad = cli("wfm", "roster", str(path))
    assert bad.exit_code != 0 and "days" in bad.stderr


def test_forecast_answers_in_the_files_own_offset(tmp_path: Path, cli: Any) -> None:
    lines = ["interval_start,contacts"]
    first = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai, written in UTC
    for d in range(21):
        day = first + timedelta(days=d)
        lines += [f"{(day + timedelta(hours=h)).isoformat()},{10 + h}" for h in range(3)]
    path = tmp_path / "utc.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = json.loads(cli("wfm", "forecast", str(path), "--horizon", "4", "--json").stdout)
    assert out["interval_minutes"] == 60
    assert [i["interval_start"] for i in out["items"]] == [
        "2026-10-26T01:00:00+00:00", "2026-10-26T02:00:00+00:00", "2026-10-26T03:00:00+00:00",
        "2026-10-27T01:00:00+00:00",
    ]  # fmt: skip
