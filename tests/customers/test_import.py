"""`closeloop import plans|customers`: streamed, validated per line, upserted, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from closeloop.auth.models import AuditEntry
from closeloop.customers.importer import StrictImportFailed, import_customers, import_plans
from closeloop.customers.models import Customer, Plan
from closeloop.customers.rules import id_check_digit
from closeloop.db.engine import Database
from closeloop.kit.actor import SYSTEM
from closeloop.kit.errors import InvalidInput

HEADER = "msisdn,name,region,plan_code,join_date,id_number,segment\n"
FIRST17 = "43010219900101123"
GOOD_ID = FIRST17 + id_check_digit(FIRST17)
BAD_ID = FIRST17 + ("0" if GOOD_ID[-1] != "0" else "1")


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def customer_count(database: Database) -> int:
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(Customer)) or 0)


def test_good_rows_are_kept_and_bad_rows_named_by_line(tmp_path: Path, database: Database) -> None:
    csv = write(
        tmp_path,
        "c.csv",
        HEADER
        + f"13912340001,张三,长沙市,CITY39,2024-03-01,{GOOD_ID},vip\n"  # line 2 ok
        + "1391234000,李四,长沙市,CITY39,2024-03-01,,\n"  # line 3 short number
        + "13912340003,王五,长沙市,NOPE,2024-03-01,,\n"  # line 4 unknown plan
        + "13912340004,赵六,长沙市,CITY39,2024-02-30,,\n"  # line 5 impossible date
        + f"13912340005,钱七,长沙市,CITY39,2024-03-01,{BAD_ID},\n"  # line 6 check digit
        + "13912340006,孙八,长沙市,CITY39\n"  # line 7 too few fields
        + "\n"  # line 8 blank: skipped
        + '13912340007,"周\n九",长沙市,CITY39,2024-03-01,,\n'  # lines 9-10 control char in name
        + "13912340008,吴十,株洲市,LITE19,2023-12-31,,\n",  # line 11 ok
    )
    before = customer_count(database)
    report = import_customers(database, csv, SYSTEM)
    assert (report.read, report.inserted, report.updated, report.rejected) == (8, 2, 0, 6)
    reasons = {e.line: e.reason for e in report.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 9]
    assert "11 digits" in reasons[3]
    assert "plan_code" in reasons[4] and "NOPE" in reasons[4]
    assert "join_date" in reasons[5]
    assert "check digit" in reasons[6]
    assert "fields" in reasons[7]
    assert "name" in reasons[9]
    assert customer_count(database) == before + 2
    with database.unit_of_work() as session:
        zhang = session.scalar(select(Customer).where(Customer.msisdn == "13912340001"))
        assert zhang is not None
        assert (zhang.name, zhang.region, zhang.plan.code, zhang.segment) == (
            "张三",
            "长沙市",
            "CITY39",
            "vip",
        )
        assert zhang.id_number == GOOD_ID and str(zhang.join_date) == "2024-03-01"


def test_rerun_changes_nothing_and_changed_rows_update(tmp_path: Path, database: Database) -> None:
    rows = "".join(f"1381234{i:04d},客户{i},长沙市,CITY39,2020-01-01,,\n" for i in range(50))
    csv = write(tmp_path, "c.csv", HEADER + rows)
    first = import_customers(database, csv, SYSTEM)
    assert (first.inserted, first.updated, first.unchanged) == (50, 0, 0)
    again = import_customers(database, csv, SYSTEM)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 50)
    changed = rows.replace("客户7,长沙市,CITY39", "客户7,岳阳市,FIVEG59")
    third = import_customers(database, write(tmp_path, "d.csv", HEADER + changed), SYSTEM)
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 49)
    with database.unit_of_work() as session:
        moved = session.scalar(select(Customer).where(Customer.msisdn == "13812340007"))
        assert moved is not None and moved.region == "岳阳市" and moved.plan.code == "FIVEG59"


def test_repeated_number_in_one_file_uses_the_later_row(tmp_path: Path, database: Database) -> None:
    csv = write(
        tmp_path,
        "c.csv",
        "msisdn,name,region,plan_code,join_date\n"
        "13700000001,甲,长沙市,CITY39,2020-01-01\n"
        "13700000001,乙,长沙市,CITY39,2020-01-01\n",
    )
    report = import_customers(database, csv, SYSTEM)
    assert report.inserted == 1 and report.rejected == 1
    assert report.errors[0].line == 2 and "line 3" in report.errors[0].reason
    with database.unit_of_work() as session:
        name = session.scalar(select(Customer.name).where(Customer.msisdn == "13700000001"))
    assert name == "乙"


def test_strict_mode_writes_nothing(tmp_path: Path, database: Database) -> None:
    csv = write(
        tmp_path,
        "c.csv",
        HEADER
        + "13900000001,甲,长沙市,CITY39,2020-01-01,,\n13900000002,乙,长沙市,X,2020-01-01,,\n",
    )
    before = customer_count(database)
    with pytest.raises(StrictImportFailed, match="line 3"):
        import_customers(database, csv, SYSTEM, strict=True)
    assert customer_count(database) == before


def test_bom_optional_columns_and_invalid_utf8(tmp_path: Path, database: Database) -> None:
    body = (
        "\ufeffmsisdn,name,region,plan_code,join_date\n13600000001,甲,长沙市,CITY39,2020-01-01\n"
    ).encode()
    body += b"13600000002,\xff\xfe,\xe9\x95\xbf,CITY39,2020-01-01\n"
    body += "13600000003,丙,长沙市,CITY39,2020-01-01\n".encode()
    report = import_customers(database, write(tmp_path, "c.csv", body), SYSTEM)  # type: ignore[arg-type]
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.errors[0].line == 3 and "UTF-8" in report.errors[0].reason


def test_a_file_without_the_required_columns_is_refused(tmp_path: Path, database: Database) -> None:
    with pytest.raises(InvalidInput, match=r"missing column.*plan_code"):
        import_customers(database, write(tmp_path, "c.csv", "msisdn,name,region\n"), SYSTEM)
    with pytest.raises(InvalidInput, match="empty"):
        import_customers(database, write(tmp_path, "e.csv", ""), SYSTEM)


def test_plans_import_validates_and_upserts(tmp_path: Path, database: Database) -> None:
    csv = write(
        tmp_path,
        "p.csv",
        "code,name,monthly_fee,data_mb,voice_min,sms\n"
        "NEW29,新29元套餐,29.00,8192,150,60\n"
        "BAD1,坏套餐,abc,1,1,1\n"
        "BAD2,坏套餐,10.005,1,1,1\n"
        "BAD3,坏套餐,10,-1,1,1\n"
        "CITY39,城市39元套餐（新版）,39.00,12288,200,100\n",
    )
    report = import_plans(database, csv, SYSTEM)
    assert (report.inserted, report.updated, report.rejected) == (1, 1, 3)
    assert [e.line for e in report.errors] == [3, 4, 5]
    assert import_plans(database, csv, SYSTEM).unchanged == 2
    with database.unit_of_work() as session:
        city = session.scalar(select(Plan).where(Plan.code == "CITY39"))
        assert city is not None and city.data_mb == 12288 and city.name.endswith("（新版）")
        new = session.scalar(select(Plan).where(Plan.code == "NEW29"))
        assert new is not None and float(new.monthly_fee) == 29.0


def test_import_is_audited(tmp_path: Path, database: Database) -> None:
    csv = write(tmp_path, "c.csv", HEADER + "13500000001,甲,长沙市,CITY39,2020-01-01,,\n")
    import_customers(database, csv, SYSTEM)
    with database.unit_of_work() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import.customers"))
    assert entry is not None and "inserted=1" in entry.summary


def test_cli_reports_lines_and_exit_codes(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    csv = write(
        tmp_path,
        "c.csv",
        HEADER + "13400000001,甲,长沙市,CITY39,2020-01-01,,\n"
        "134000000,乙,长沙市,CITY39,2020-01-01,,\n",
    )
    result = cli("import", "customers", str(csv), "--json")
    assert result.exit_code == 0, result.output
    assert "c.csv: line 3:" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["inserted"] == 1 and summary["rejected"] == 1
    assert summary["errors"][0]["line"] == 3

    strict = cli("import", "customers", str(csv), "--strict")
    assert strict.exit_code != 0 and "line 3" in strict.output

    missing = cli("import", "customers", str(tmp_path / "nope.csv"))
    assert missing.exit_code != 0 and "nope.csv" in missing.output


def test_email_column_is_checked_and_lowered(tmp_path: Path, database: Database) -> None:
    text = (
        "msisdn,name,region,plan_code,join_date,email\n"
        "13600000011,甲,长沙市,CITY39,2020-01-01,Jia.Zhang@Example.COM\n"
        "13600000012,乙,长沙市,CITY39,2020-01-01,not-an-address\n"
        "13600000013,丙,长沙市,CITY39,2020-01-01,\n"
    )
    report = import_customers(database, write(tmp_path, "c.csv", text), SYSTEM)
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.errors[0].line == 3 and "email" in report.errors[0].reason
    with database.unit_of_work() as session:
        emails = dict(session.execute(select(Customer.msisdn, Customer.email)).all())
    assert emails["13600000011"] == "jia.zhang@example.com"
    assert emails["13600000013"] is None


def test_a_column_absent_from_the_file_keeps_what_is_stored(
    tmp_path: Path, database: Database
) -> None:
    full = (
        "msisdn,name,region,plan_code,join_date,segment,deposit,sales_channel,email\n"
        "13600000021,甲,长沙市,CITY39,2020-01-01,VIP,200,营业厅,jia@example.com\n"
    )
    import_customers(database, write(tmp_path, "full.csv", full), SYSTEM)
    renamed = "msisdn,name,region,plan_code,join_date\n13600000021,甲二,长沙市,CITY39,2020-01-01\n"
    report = import_customers(database, write(tmp_path, "short.csv", renamed), SYSTEM)
    assert report.updated == 1
    emptied = "msisdn,name,region,plan_code,join_date,segment\n"
    emptied += "13600000021,甲二,长沙市,CITY39,2020-01-01,\n"
    import_customers(database, write(tmp_path, "emptied.csv", emptied), SYSTEM)
    with database.unit_of_work() as session:
        c = session.scalars(select(Customer).where(Customer.msisdn == "13600000021")).one()
        kept = (c.name, c.segment, c.deposit, c.sales_channel, c.email)
    # absent columns keep their values; an empty cell of a present column clears it
    assert kept == ("甲二", None, 200, "营业厅", "jia@example.com")
