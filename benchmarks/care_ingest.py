"""Usage ingestion speed and memory: the Polars engine vs a plain per-record implementation.

Generates C customers and N usage records (default 10,000,000 over 100,000 customers, one
month in time order, a few customers roaming), ingests them end to end through
`closeloop.care.ingest` into a fresh migrated SQLite database (in a child process, so its peak
RSS is the engine's alone), ingests a 1,000,000-record file twice to show the second run adds
nothing, and in the same command runs a plain per-record Python implementation of the same
rules (csv.reader, one statement per record) on the first B records (default 300,000) for the
ratio. Prints records/s, the ratio and the peak RSS.

    .venv/bin/python benchmarks/care_ingest.py [--records N] [--customers C] [--baseline B]

Figures of 2026-11-22 on the 2-core development box while other work kept its load average at
8–14 (so every wall-clock figure is several times slower than on an idle box; the ratio is
measured in the same run):

    10,000,000 records (615 MiB), 100,000 customers: 100.0 s wall = 99,967 records/s;
    21.5 s of CPU (user+system, all threads) = 464,818 records per CPU-second;
    peak RSS 1,490 MB; plain per-record Python 8,984 records/s → ratio 11.1×;
    same notices as the plain implementation on 200,000 records (2,139);
    1,000,000-record file again: new 0, duplicate 1,000,000, notices added 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.care_plain import PlainIngest  # noqa: E402

MONTH_START = 1793462400  # 2026-10-31T16:00:00Z = 2026-11-01 00:00 in Shanghai


def make_database(path: Path, customers: int) -> str:
    """A migrated SQLite database with one plan (10 GB) and `customers` customers."""
    from closeloop.db.migrate import upgrade

    url = f"sqlite:///{path}"
    upgrade(url)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO plans (code,name,monthly_fee,data_mb,voice_min,sms) "
        "VALUES ('B10','十元十G',10,10240,100,100)"
    )
    conn.executemany(
        "INSERT INTO customers (msisdn,name,region,plan_id) VALUES (?,?,?,1)",
        ((f"138{i:08d}", f"客户{i}", "长沙市") for i in range(customers)),
    )
    conn.commit()
    conn.close()
    return url


def generate(path: Path, records: int, customers: int, offset: int = 0, seed: int = 7) -> None:
    """Write `records` usage records in time order (record ids from `offset`)."""
    block = 2_000_000
    with path.open("wb") as out:
        out.write(b"record_id,msisdn,event_time,usage_type,amount,roaming_country\n")
        for start in range(0, records, block):
            n = min(block, records - start)
            i = pl.int_range(start, start + n, eager=True)
            frame = pl.DataFrame({"i": i}).with_columns(
                c=(pl.col("i").hash(seed) % customers).cast(pl.Int64),
                r=(pl.col("i").hash(seed + 1) % 1000).cast(pl.Int64),
                t=pl.lit(MONTH_START) + pl.col("i") * (30 * 86400) // records,
            )
            kind = (
                pl.when(pl.col("r") < 700)
                .then(pl.lit("data"))
                .when(pl.col("r") < 900)
                .then(pl.lit("voice"))
                .otherwise(pl.lit("sms"))
            )
            amount = (
                pl.when(kind == "data")
                .then(pl.format("{}.{}", pl.col("r") % 40, (pl.col("r") * 7 % 1000)))
                .when(kind == "voice")
                .then((pl.col("r") % 30 + 1).cast(pl.String))
                .otherwise(pl.lit("1"))
            )
            abroad = (pl.col("c") % 50 == 0) & (pl.col("t") > MONTH_START + 15 * 86400)
            frame = frame.select(
                record_id=pl.format("U{}", (pl.col("i") + offset).cast(pl.String).str.zfill(11)),
                msisdn=pl.format("138{}", pl.col("c").cast(pl.String).str.zfill(8)),
                event_time=pl.from_epoch(pl.col("t"), time_unit="s")
                .dt.replace_time_zone("UTC")
                .dt.convert_time_zone("Asia/Shanghai")
                .dt.strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                usage_type=kind,
                amount=amount,
                roaming_country=pl.when(abroad).then(pl.lit("JP")).otherwise(pl.lit("")),
            )
            frame.write_csv(out, include_header=False)


def run_engine(url: str, csv_path: Path) -> dict[str, float]:
    """Ingest in a child process; seconds, counts and its peak RSS."""
    code = f"""
import json, resource, time
from pathlib import Path
from zoneinfo import ZoneInfo
from closeloop.kit.actor import SYSTEM
from closeloop.care.ingest import Policy, ingest_usage
from closeloop.care.quiet import QuietHours
from closeloop.db.engine import Database
database = Database({url!r})
policy = Policy(ZoneInfo("Asia/Shanghai"), QuietHours.parse("22:00-08:00"), 5)
started = time.perf_counter()
report = ingest_usage(database, Path({str(csv_path)!r}), SYSTEM, policy)
elapsed = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
rss_mb = usage.ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "new": report.new, "duplicate": report.duplicate,
                  "notified": report.notified, "rejected": report.rejected, "rss_mb": rss_mb,
                  "cpu_s": usage.ru_utime + usage.ru_stime}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def notices(path: Path) -> int:
    """How many notifications a database holds."""
    conn = sqlite3.connect(path)
    (count,) = conn.execute("SELECT count(*) FROM notifications").fetchone()
    conn.close()
    return int(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=300_000)
    parser.add_argument("--resend", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv_path = root / "usage.csv"
        print(
            f"generating {args.records:,} records for {args.customers:,} customers…",
            file=sys.stderr,
        )
        generate(csv_path, args.records, args.customers)
        size_mb = csv_path.stat().st_size / 2**20

        url = make_database(root / "engine.db", args.customers)
        result = run_engine(url, csv_path)
        rate = args.records / result["seconds"]

        baseline_n = min(args.baseline, args.records)
        base_csv = root / "baseline.csv"
        generate(base_csv, baseline_n, args.customers)
        make_database(root / "plain.db", args.customers)
        plain = PlainIngest(root / "plain.db")
        started = time.perf_counter()
        plain_counts = plain.ingest(base_csv)
        plain_s = time.perf_counter() - started
        plain.close()
        plain_rate = baseline_n / plain_s
        check_url = make_database(root / "check.db", args.customers)
        check = run_engine(check_url, base_csv)
        same = notices(root / "check.db") == notices(root / "plain.db")

        resend_csv = root / "resend.csv"
        generate(resend_csv, args.resend, args.customers, offset=10**10)
        first = run_engine(url, resend_csv)
        before = notices(root / "engine.db")
        again = run_engine(url, resend_csv)
        after = notices(root / "engine.db")

    print(
        f"records:                 {args.records:,} ({size_mb:,.0f} MiB), "
        f"{args.customers:,} customers"
    )
    print(
        f"engine (Polars):         {result['seconds']:.2f} s = {rate:,.0f} records/s  "
        f"(new {result['new']:,}, notified {result['notified']:,})   target ≥ 500,000"
    )
    print(
        f"engine CPU time:         {result['cpu_s']:.1f} s (user+system, both cores; "
        f"{args.records / result['cpu_s']:,.0f} records per CPU-second)"
    )
    print(
        f"machine load average:    {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(other work slows every figure alike; the ratio is measured in the same run)"
    )
    print(f"peak RSS of the engine:  {result['rss_mb']:,.0f} MB   target < 2,048 MB")
    print(
        f"plain per-record Python: {plain_s:.2f} s for {baseline_n:,} = "
        f"{plain_rate:,.0f} records/s (notified {plain_counts['notified']:,})"
    )
    print(f"ratio engine/plain:      {rate / plain_rate:.1f}×   target ≥ 10×")
    print(
        f"same notices on the {baseline_n:,}-record file: {same} "
        f"(engine {check['notified']:,}, plain {plain_counts['notified']:,})"
    )
    print(
        f"{args.resend:,}-record file: first run new {first['new']:,} in "
        f"{first['seconds']:.2f} s; again: new {again['new']:,}, duplicate "
        f"{again['duplicate']:,}, notices added {after - before} in {again['seconds']:.2f} s"
    )


if __name__ == "__main__":
    os.environ.setdefault("CLOSELOOP_LOG_LEVEL", "WARNING")
    main()
