"""`usage ingest`: each rule at its edges, re-sent and out-of-order files, opt-outs, quiet
hours, the daily cap, bad rows, --strict and a restart in the middle of a file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care import ingest as ingest_module
from closeloop.care.ingest import IngestReport, Policy, StrictIngestFailed
from closeloop.care.models import UsageMonth
from closeloop.care.outbox import set_opt_out
from closeloop.care.quiet import QuietHours
from closeloop.care.usage_file import Chunk
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.clock import FixedClock
from tests.care.conftest import TZ, CareSetup, at, ingest, keys, notices, usage_file

A, B = "19900000001", "19900000002"


def test_data_threshold_fires_at_exactly_80_percent_and_not_a_thousandth_before(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"r1,{A},2026-11-02T08:00:00+08:00,data,8191.999,",  # 1/1000 MB short of 80 %
        f"r2,{B},2026-11-02T08:00:00+08:00,data,8191.999,",
        f"r3,{B},2026-11-02T09:00:00+08:00,data,0.001,",  # exactly 8192 MB = 80 %
    ]
    report = ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    assert (report.read, report.new, report.notified) == (3, 3, 1)
    [notice] = notices(database, "data_threshold")
    assert (notice.msisdn, notice.period, notice.threshold, notice.country) == (
        B, "2026-11", 80, None,
    )  # fmt: skip
    assert "已用8GB/共10GB" in notice.text and "80%" in notice.text
    assert notice.status == "pending" and notice.created_at == clock.now()


def test_100_and_each_further_100_percent_once_each(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [f"r{i},{A},2026-11-0{i}T08:00:00+08:00,data,{amount},"
            for i, amount in enumerate([9000, 1240, 10240, 0.001, 10239.999], start=1)]  # fmt: skip
    ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    found = [(n.threshold, n.text) for n in notices(database, "data_threshold")]
    assert [t for t, _ in found] == [80, 100, 200, 300]
    assert "已用8.8GB/共10GB" in found[0][1]  # the total at the record that crossed 80 %
    assert "已达套餐的300%" in found[3][1] and "超出部分" in found[3][1]


def test_the_month_is_the_calendar_month_in_shanghai_for_utc_timestamps(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"r1,{A},2026-10-31T15:59:59Z,data,8000,",  # 23:59:59 on 31 October in Shanghai
        f"r2,{A},2026-10-31T16:00:00Z,data,8000,",  # 00:00 on 1 November in Shanghai
        f"r3,{A},2026-10-31T16:00:01+00:00,data,192,",  # November reaches 8192 MB = 80 %
    ]
    ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    assert [(n.period, n.threshold) for n in notices(database)] == [("2026-11", 80)]
    with database.unit_of_work(write=False) as session:
        months = {m.period: m.home_data_milli for m in session.scalars(select(UsageMonth))}
    assert months == {"2026-10": 8_000_000, "2026-11": 8_192_000}


def test_roaming_data_every_20_mb_and_arrivals_on_each_change_of_country(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"r1,{A},2026-11-05T08:00:00+08:00,voice,2,",
        f"r2,{A},2026-11-05T12:00:00+08:00,sms,1,JP",  # arrival in Japan (any type counts)
        f"r3,{A},2026-11-05T12:10:00+08:00,data,19.999,JP",
        f"r4,{A},2026-11-05T12:20:00+08:00,data,0.001,JP",  # 20 MB
        f"r5,{A},2026-11-06T09:00:00+08:00,data,25,KR",  # arrival in Korea; 45 MB → 40
        f"r6,{A},2026-11-07T09:00:00+08:00,voice,1,",  # home again
        f"r7,{A},2026-11-08T09:00:00+08:00,data,1,KR",  # back in Korea: a new arrival
    ]
    ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    steps = [(n.period, n.threshold) for n in notices(database, "roaming_data")]
    assert steps == [("2026-11", 20), ("2026-11", 40)]
    arrivals = notices(database, "roaming_arrival")
    assert [n.country for n in arrivals] == ["JP", "KR", "KR"]
    assert "欢迎抵达日本" in arrivals[0].text


def test_a_file_sent_twice_and_repeated_records_add_nothing(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,",
        f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,",  # the same record again in the file
        f"r2,{B},2026-11-02T08:00:00+08:00,data,20,FR",
    ]
    path = usage_file(tmp_path, "u.csv", rows)
    first = ingest(database, path, clock)
    assert (first.new, first.duplicate, first.notified) == (2, 1, 3)
    before = keys(database)
    again = ingest(database, path, clock)
    assert (again.read, again.new, again.duplicate, again.notified) == (3, 0, 3, 0)
    assert keys(database) == before
    with database.unit_of_work(write=False) as session:
        totals = {m.customer_id: m.home_data_milli for m in session.scalars(select(UsageMonth))}
    assert totals[care.ids[A]] == 9_000_000


def test_a_late_file_counts_its_data_but_makes_no_stale_arrival(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    early = [
        f"e1,{A},2026-11-01T08:00:00+08:00,data,5000,",
        f"e2,{A},2026-11-02T08:00:00+08:00,data,1,DE",  # Germany, before France
    ]
    later = [
        f"l1,{A},2026-11-10T08:00:00+08:00,data,5000,FR",
        f"l2,{A},2026-11-11T08:00:00+08:00,data,5000,",
    ]
    ingest(database, usage_file(tmp_path, "later.csv", later), clock)
    ingest(database, usage_file(tmp_path, "early.csv", early), clock)
    data = [(n.threshold) for n in notices(database, "data_threshold")]
    assert data == [80]  # 10,000 MB of home data however the files came
    arrivals = [n.country for n in notices(database, "roaming_arrival")]
    assert arrivals == ["FR"]  # Germany was before France: no notice about it now
    with database.unit_of_work(write=False) as session:
        month = session.scalars(select(UsageMonth)).one()
    assert month.last_country == "" and month.last_event_at == at("2026-11-11T08:00:00+08:00")


def test_opted_out_rules_are_not_notified(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    with database.unit_of_work() as session:
        customer = session.get(Customer, care.ids[A])
        assert customer is not None
        set_opt_out(session, SYSTEM, customer, "data_threshold", True, clock=clock)
    rows = [
        f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,",
        f"r2,{A},2026-11-03T08:00:00+08:00,data,30,FR",
    ]
    ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    assert {(k[1], k[3]) for k in keys(database)} == {
        ("roaming_data", 20),
        ("roaming_arrival", None),
    }


def test_quiet_hours_create_at_once_and_send_at_eight(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    night = FixedClock(at("2026-11-23T23:30:00+08:00"))
    ingest(
        database,
        usage_file(tmp_path, "u.csv", [f"r1,{A},2026-11-23T23:00:00+08:00,data,9000,"]),
        night,
    )
    [notice] = notices(database)
    assert notice.created_at == night.now()
    assert notice.status == "pending" and notice.hold_reason == "quiet_hours"
    assert notice.send_after == at("2026-11-24T08:00:00+08:00")


def test_the_daily_cap_holds_back_the_rest_with_a_clear_record(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    policy = Policy(TZ, QuietHours.parse("22:00-08:00"), 2)
    rows = [f"r1,{A},2026-11-02T08:00:00+08:00,data,30000,"]  # 80, 100, 200 % at once
    report = ingest(database, usage_file(tmp_path, "u.csv", rows), clock, policy=policy)
    assert (report.notified, report.held) == (3, 1)
    got = [(n.threshold, n.status, n.hold_reason) for n in notices(database)]
    assert got == [(80, "pending", None), (100, "pending", None), (200, "held", "daily_cap")]
    clock.advance(timedelta(hours=1))  # later the same day: the cap is still used up
    ingest(database, usage_file(tmp_path, "v.csv", [f"r2,{A},2026-11-02T09:00:00+08:00,data,1,FR"]),
           clock, policy=policy)  # fmt: skip
    statuses = {n.rule: n.status for n in notices(database) if n.rule != "data_threshold"}
    assert statuses == {"roaming_arrival": "pending"}  # arrivals are not capped


def test_bad_rows_are_named_by_line_and_unknown_customers_counted(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"ok1,{A},2026-11-02T08:00:00+08:00,data,1,",  # line 2
        f"b1,{A},2026-11-02T08:00:00,data,1,",  # 3: no offset
        "b2,1380000,2026-11-02T08:00:00+08:00,data,1,",  # 4: short number
        f"b3,{A},2026-11-02T08:00:00+08:00,video,1,",  # 5: unknown usage type
        f"b4,{A},2026-11-02T08:00:00+08:00,data,-1,",  # 6: negative
        f"b5,{A},2026-11-02T08:00:00+08:00,sms,1.5,",  # 7: half a message
        f"b6,{A},2026-11-02T08:00:00+08:00,data,1,FRA",  # 8: not alpha-2
        f"b7,{A},2026-11-02T08:00:00+08:00,data,1",  # 9: five fields
        "",  # 10: blank, skipped
        f'"ok 2",{A},2026-11-02T08:00:00+08:00,data,1,""',  # 11: a space in the id
        "ok3,13900000000,2026-11-02T08:00:00+08:00,data,1,",  # 12: nobody has this number
        f"ok4,{B},2026-11-02T08:00:00.250+08:00,data,1,jp",  # 13: fractions, lower-case code
    ]
    report = ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 11]
    assert "offset" in reasons[3] and "11-digit" in reasons[4] and "usage_type" in reasons[5]
    assert "amount" in reasons[6] and "whole" in reasons[7] and "alpha-2" in reasons[8]
    assert "6 fields" in reasons[9] and "record_id" in reasons[11]
    assert (report.read, report.rejected, report.unknown, report.new) == (11, 8, 1, 2)
    assert [n.country for n in notices(database, "roaming_arrival")] == ["JP"]


def test_strict_mode_changes_nothing_on_a_bad_row(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,", f"r2,{A},yesterday,data,1,"]
    with pytest.raises(StrictIngestFailed, match="line 3"):
        ingest(database, usage_file(tmp_path, "u.csv", rows), clock, strict=True)
    assert notices(database) == []
    with database.unit_of_work(write=False) as session:
        assert session.scalars(select(UsageMonth)).all() == []


def _big_file(tmp_path: Path, name: str, count: int) -> Path:
    rows = []
    for i in range(count):
        who = (A, B)[i % 2]
        country = "JP" if (i // 7) % 3 == 1 else ""
        rows.append(f"r{i:05d},{who},2026-11-01T{i // 60 % 24:02d}:{i % 60:02d}:00+08:00,"
                    f"data,{37 + i % 50},{country}")  # fmt: skip
    rows.sort(key=lambda r: r.split(",")[2])
    return usage_file(tmp_path, name, rows)


def test_a_restart_in_the_middle_of_a_file_loses_and_repeats_nothing(
    tmp_path: Path,
    database: Database,
    clock: FixedClock,
    care: CareSetup,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _big_file(tmp_path, "u.csv", 1200)
    real_block = ingest_module.UsageIngest.block
    calls = {"n": 0}

    def crash_on_third(
        self: ingest_module.UsageIngest, session: Session, chunk: Chunk, report: IngestReport
    ) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")
        return real_block(self, session, chunk, report)

    monkeypatch.setattr(ingest_module.UsageIngest, "block", crash_on_third)
    with pytest.raises(RuntimeError, match="power cut"):
        ingest(database, path, clock, chunk_bytes=8000)
    monkeypatch.setattr(ingest_module.UsageIngest, "block", real_block)
    resumed = ingest(database, path, clock, chunk_bytes=8000)
    assert resumed.duplicate > 0 and resumed.new + resumed.duplicate == 1200
    after_restart = keys(database)
    with database.unit_of_work(write=False) as session:
        state = {(m.customer_id, m.period): (m.home_data_milli, m.roaming_data_milli, m.records)
                 for m in session.scalars(select(UsageMonth))}  # fmt: skip
    assert sum(r for _h, _r, r in state.values()) == 1200
    # the same file in one go, into a clean state, gives the same notices and totals
    from tests.care.conftest import reset_usage

    reset_usage(database)
    ingest(database, path, clock)
    assert keys(database) == after_restart
    with database.unit_of_work(write=False) as session:
        again = {(m.customer_id, m.period): (m.home_data_milli, m.roaming_data_milli, m.records)
                 for m in session.scalars(select(UsageMonth))}  # fmt: skip
    assert again == state


def test_field_counts_are_checked_on_the_fast_path_too(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"r1,{A},2026-11-02T08:00:00+08:00,data,1,",
        f"r2,{A},2026-11-02T08:00:00+08:00,data,1,,extra",  # line 3: seven fields
        f"r3,{A},2026-11-02T08:00:00+08:00,data",  # line 4: four fields
        f'r4,{A},2026-11-02T08:00:00+08:00,data,"2",""',  # line 5: quoted, fine
    ]
    expected = {3: "expected 6 fields, found 7", 4: "expected 6 fields, found 4"}
    plain = ingest(database, usage_file(tmp_path, "plain.csv", rows[:3]), clock)  # Polars' reader
    assert {e.line: e.reason for e in plain.errors} == expected and plain.new == 1
    quoted = ingest(database, usage_file(tmp_path, "quoted.csv", rows), clock)  # the csv module
    assert {e.line: e.reason for e in quoted.errors} == expected and quoted.new == 1
