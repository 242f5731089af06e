"""Customer import speed and memory: `closeloop import customers` vs a bare sqlite3.executemany.

Generates N customer rows (default 1,000,000) as CSV, imports them into a fresh migrated SQLite
database through the real importer (validation, upsert, audit), and in the same run inserts the
same rows with a bare `sqlite3.executemany` into an identical fresh schema. Prints rows/s,
the ratio, and the importer's peak RSS (measured in a child process).

    .venv/bin/python benchmarks/import_customers.py [--rows N] [--postgres URL]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLANS = (
    "code,name,monthly_fee,data_mb,voice_min,sms\n"
    "P1,基础套餐,19.00,5120,100,50\n"
    "P2,畅享套餐,59.00,30720,300,100\n"
)
REGIONS = ["长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市", "常德市", "郴州市", "怀化市"]


def generate(path: Path, rows: int) -> None:
    """Write `rows` distinct customers."""
    rng = random.Random(7)
    numbers = rng.sample(range(10**8), rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["msisdn", "name", "region", "plan_code", "join_date"])
        for i, n in enumerate(numbers):
            out.writerow(
                [
                    f"138{n:08d}",
                    f"客户{i}",
                    REGIONS[i % 8],
                    "P1" if i % 3 else "P2",
                    f"20{10 + i % 15}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                ]
            )


def run_importer(db: str, csv_path: Path, plans_path: Path) -> dict[str, float]:
    """Import in a child process so its peak RSS is the importer's alone."""
    code = f"""
import json, resource, time, sys
from pathlib import Path
from closeloop.kit.actor import SYSTEM
from closeloop.customers.importer import import_customers, import_plans
from closeloop.db.engine import Database
from closeloop.db.migrate import upgrade
url = {db!r}
upgrade(url)
database = Database(url)
import_plans(database, Path({str(plans_path)!r}), SYSTEM)
started = time.perf_counter()
report = import_customers(database, Path({str(csv_path)!r}), SYSTEM)
elapsed = time.perf_counter() - started
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": elapsed, "inserted": report.inserted, "rejected": report.rejected,
                  "rss_mb": rss_mb}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_baseline(db_path: Path, csv_path: Path) -> float:
    """The same rows, parsed and inserted with plain sqlite3.executemany into the same schema."""
    from closeloop.db.migrate import upgrade

    upgrade(f"sqlite:///{db_path}")
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "INSERT INTO plans (code,name,monthly_fee,data_mb,voice_min,sms) "
        "VALUES ('P1','a',19,1,1,1),('P2','b',59,1,1,1)"
    )
    plan_ids = dict(conn.execute("SELECT code, id FROM plans"))
    started = time.perf_counter()
    with csv_path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        rows = ((m, n, r, plan_ids[p], d) for m, n, r, p, d in reader)
        conn.executemany(
            "INSERT INTO customers (msisdn,name,region,plan_id,join_date) VALUES (?,?,?,?,?)", rows
        )
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="also import into this PostgreSQL URL (empty db)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        csv_path, plans_path = root / "customers.csv", root / "plans.csv"
        plans_path.write_text(PLANS, encoding="utf-8")
        print(f"generating {args.rows:,} rows…", file=sys.stderr)
        generate(csv_path, args.rows)
        base_s = run_baseline(root / "baseline.db", csv_path)
        result = run_importer(f"sqlite:///{root / 'closeloop.db'}", csv_path, plans_path)
        again = run_importer(f"sqlite:///{root / 'closeloop.db'}", csv_path, plans_path)
        rate, base_rate = args.rows / result["seconds"], args.rows / base_s
        print(f"rows:                    {args.rows:,} ({csv_path.stat().st_size / 2**20:.0f} MiB)")
        print(
            f"closeloop import:        {result['seconds']:.2f} s = {rate:,.0f} rows/s "
            f"(inserted {result['inserted']:,}, rejected {result['rejected']:,})"
        )
        print(f"bare sqlite3.executemany:{base_s:.2f} s = {base_rate:,.0f} rows/s")
        print(f"ratio (import/baseline): {rate / base_rate:.2f}   target ≥ 0.5")
        print(f"peak RSS of the import:  {result['rss_mb']:.0f} MB   target < 500 MB")
        print(f"re-import same file:     {again['seconds']:.2f} s, inserted {again['inserted']}")
        if args.postgres:
            pg = run_importer(args.postgres, csv_path, plans_path)
            print(
                f"PostgreSQL import:       {pg['seconds']:.2f} s = "
                f"{args.rows / pg['seconds']:,.0f} rows/s (COPY), RSS {pg['rss_mb']:.0f} MB"
            )


if __name__ == "__main__":
    os.environ.setdefault("CLOSELOOP_LOG_LEVEL", "WARNING")
    main()
