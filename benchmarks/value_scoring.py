"""The nightly value job at scale: `closeloop.value.scoring.recompute` on PostgreSQL against a
per-row Python loop of the same job, in one run.

    .venv/bin/python benchmarks/value_scoring.py [--customers 20000] [--loop-rows 300]
        [--url postgresql+psycopg://… [--reuse]] [--profile]

Without --url a throwaway PostgreSQL cluster is started. The data are made set-based
(generate_series, a progress bar): C customers on the reference plans, 12 months of bills each
(one in ten stops being billed from month 6–10, one in seven spends and uses less each month,
one in twenty pays late), the care engine's monthly usage totals, and a ticket for one customer
in twenty. A churn model is trained on 20,000 synthetic customers of the same features (the
training is not what is timed) and stored as the current model. Then, timed:

1. the real nightly path — `recompute`: features read set-based per block of 100,000 customer
   ids (bills, usage, tickets), risk and CLV of a block in one LightGBM call, the tier, group
   and stage rules, RFM over everyone, SHAP reasons for the 50,000 worth most, value pictures
   and stage months written by COPY, tier changes through the customers service; committed;
2. the baseline — the same job one customer at a time for `--loop-rows` customers: read their
   history, score, explain and write their row (rolled back).

Prints customers per second of each, the ratio, the peak RSS of the process, and the projected
time for 10 million customers. `--profile` prints the top of cProfile for the real path.

Figures of 2026-12-07, 23:08–23:16 UTC, own PostgreSQL 15 cluster, 100,000 customers × 12
months (1.14 M bills, 1.14 M usage months, 5,000 tickets; populating took 267 s), on the 2-core
box shared with six other sessions (load average 9–13; `uptime` at 23:15: 9.64, 10.35, 10.55).
Under `nice -n 10` the run got ~7 % of a core, so it was reniced to 0 after four minutes:

    first night  100,000 customers in 218.1 s wall, 27.0 s CPU of this process; 100,000 tier
                 changes written (one UPDATE per tier) and audited
    next night   100,000 customers in 146.9 s wall, 25.2 s CPU = 681 customers/s; 0 changes;
                 peak RSS 1,117 MB (363 MB before the jobs; one block of 100,000 customers)
    per-row loop 200 customers in 10.8 s = 18.5 customers/s  →  ratio 36.7×
    10 M customers, projected linearly at that load: 245 min by the job (150 h per row).

The 10-minute target is NOT shown. cProfile of the next night (146 s wall): reading the
histories 60 s (1.14 M bill rows and 1.14 M usage rows fetched into Python, 36 s of it in
SQLAlchemy's `Result.all`), SHAP reasons of the 50,000 worth most 55 s (a fixed cost, not per
customer), the per-row tier/stage/group rules 12 s, the COPY writes 15 s. Next steps: aggregate
each block's bills and usage per customer in SQL (one row per customer instead of ~23), two
block workers for the two cores, and vectorised rules. 1 M and 10 M were not run: populating
100,000 customers took 4.5 min on the loaded box, 10 M would have needed ~25 GB and hours.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import resource
import sys
import time
from contextlib import nullcontext
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from rich.progress import Progress
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

import closeloop.modules  # noqa: E402, F401 — wires listeners and business settings
from benchmarks.support import postgres_database, run_cli  # noqa: E402
from closeloop.config import Settings  # noqa: E402
from closeloop.db.engine import Database  # noqa: E402
from closeloop.kit.actor import SYSTEM  # noqa: E402
from closeloop.kit.clock import FixedClock  # noqa: E402
from closeloop.runtime.work import Work  # noqa: E402
from closeloop.value import rules  # noqa: E402
from closeloop.value.churn_model import ChurnModel, fit  # noqa: E402
from closeloop.value.churn_table import FeatureTable  # noqa: E402
from closeloop.value.clv import lifetime_value  # noqa: E402
from closeloop.value.features import FEATURES, period_index  # noqa: E402
from closeloop.value.models import ChurnModelRun, CustomerValue  # noqa: E402
from closeloop.value.scoring import Recomputed, recompute  # noqa: E402
from closeloop.value.settings import LIMITS, TIERS  # noqa: E402
from closeloop.value.training import RISK_MONTHS, feature_table, snapshot  # noqa: E402

PERIODS = [f"2026-{m:02d}" for m in range(1, 13)]
NOW = datetime(2027, 1, 5, 2, 0, tzinfo=UTC)


def populate(url: str, customers: int) -> None:
    """Reference data, customers, 12 months of bills and usage, some tickets; set-based."""
    from benchmarks.sla_queue import load_tickets

    run_cli(url, "migrate")
    run_cli(url, "seed", "--reference")
    engine = create_engine(url)
    with engine.begin() as conn, Progress() as bar:
        task = bar.add_task("customers, bills, usage", total=2 + len(PERIODS))
        plans = conn.execute(text("SELECT min(id), count(*) FROM plans")).one()
        conn.execute(
            text(
                "INSERT INTO customers (msisdn, name, region, plan_id, join_date) "
                "SELECT '139' || lpad(i::text, 8, '0'), 'c' || i, '长沙市', :first + i % :n, "
                "DATE '2020-01-01' + (i * 37) % 2400 FROM generate_series(1, :c) AS i"
            ),
            {"c": customers, "first": plans[0], "n": plans[1]},
        )
        bar.advance(task)
        for k, period in enumerate(PERIODS):
            year, month = int(period[:4]), int(period[5:])
            due = date(year + month // 12, month % 12 + 1, 15)
            shrink = f"(CASE WHEN id % 7 = 0 OR id % 10 = 0 THEN 1 - 0.06 * {k} ELSE 1 END)"
            billed = f"NOT (id % 10 = 0 AND {k} >= 6 + id % 5)"
            conn.execute(
                text(
                    "INSERT INTO bills (customer_id, period, amount_due, amount_paid, due_date, "
                    "paid_date) SELECT id, :period, d, CASE WHEN id % 20 = 0 AND :k > 8 THEN 0 "
                    "ELSE d END, :due, CASE WHEN id % 20 = 0 AND :k > 8 THEN NULL "
                    "WHEN id % 20 = 0 THEN :due + 9 ELSE :due - 5 END FROM (SELECT id, "
                    f"round((30 + (id * 37) % 170) * {shrink}, 2) AS d FROM customers "
                    f"WHERE {billed}) AS b"
                ),
                {"period": period, "k": k, "due": due},
            )
            conn.execute(
                text(
                    "INSERT INTO care_usage_months (customer_id, period, home_data_milli, "
                    "roaming_data_milli, voice_milli, sms_count, records, last_event_at, "
                    f"last_country) SELECT id, :period, ((2000 + id % 9000) * {shrink})::bigint "
                    f"* 1000, 0, ((100 + id % 400) * {shrink})::bigint * 1000, id % 30, 1, "
                    f":at, 'CN' FROM customers WHERE {billed}"
                ),
                {"period": period, "at": datetime(year, month, 28, tzinfo=UTC)},
            )
            bar.advance(task)
        conn.execute(text("ANALYZE"))
        bar.advance(task)
    load_tickets(url, max(1, customers // 20), datetime(2026, 12, 10, tzinfo=UTC))
    engine.dispose()


def synthetic(rows: int, seed: int) -> tuple[FeatureTable, np.ndarray]:
    """Customers of the model's features with learnable causes, to train the stored model."""
    rng = np.random.default_rng(seed)
    columns = {
        "tenure_months": rng.integers(0, 120, rows), "monthly_spend": rng.gamma(4, 30, rows),
        "trend": rng.normal(0, 0.2, rows), "usage_trend": rng.normal(0, 0.3, rows),
        "monthly_data_mb": rng.gamma(2, 3000, rows), "monthly_voice_min": rng.gamma(3, 100, rows),
        "last_bill": rng.gamma(4, 30, rows), "months_billed": rng.integers(1, 13, rows),
        "late_bills": rng.poisson(0.5, rows), "arrears": rng.gamma(1, 20, rows),
        "plan_fee": rng.choice([38.0, 58, 88, 128, 188], rows),
        "tickets_90d": rng.poisson(0.4, rows), "complaints_90d": rng.poisson(0.2, rows),
        "unsatisfied_90d": rng.poisson(0.1, rows),
    }  # fmt: skip
    values = np.column_stack([columns[n] for n in FEATURES]).astype(float)
    z = -2.5 + 0.8 * columns["late_bills"] - 3 * columns["usage_trend"] - 0.01 * columns[
        "tenure_months"] + 1.0 * columns["complaints_90d"]  # fmt: skip
    left = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int)
    return FeatureTable(FEATURES, tuple(() for _ in FEATURES), values), left


def store_model(database: Database) -> ChurnModel:
    """Train on synthetic customers and store the model as the current one."""
    table, left = synthetic(20_000, seed=1)
    model = fit(table, left)
    with database.unit_of_work() as session:
        session.add(ChurnModelRun(trained_at=NOW, rows=len(left), auc=None, brier=None,
                                  base_rate=float(left.mean()), description=model.description,
                                  model=pickle.dumps(model)))  # fmt: skip
    return model


def per_row(database: Database, settings: Settings, model: ChurnModel, rows: int) -> float:
    """The baseline: the same job for one customer at a time; seconds taken (rolled back)."""
    clock = FixedClock(NOW)
    as_of = period_index(PERIODS[-1])
    started = time.perf_counter()
    with database.unit_of_work() as session:
        work = Work(session, settings, actor=SYSTEM, clock=clock)
        limits, tiers = work.business(LIMITS.key), work.business(TIERS.key)
        first = session.execute(text("SELECT min(id) FROM customers")).scalar_one()
        for cid in range(first, first + rows):
            frame = snapshot(session, as_of, (cid, cid + 1))
            table = feature_table(frame, model.table_names)
            risk = model.predict(table)
            spend = frame["monthly_spend"].to_numpy().astype(float)
            clv = lifetime_value(spend, risk, RISK_MONTHS)
            reasons = model.reasons(table)
            row = frame.row(0, named=True)
            history = rules.History(row["tenure_months"], row["spend"],
                                    row["months_since_last_bill"], row["late_bills"],
                                    row["complaints_90d"], row["unsatisfied_90d"])  # fmt: skip
            session.merge(CustomerValue(
                customer_id=cid, segment=rules.tier(history, tiers),
                groups=",".join(rules.groups(history, limits)), r=3, f=3, m=3,
                monthly_spend=round(float(spend[0]), 2), clv=round(float(clv[0]), 2),
                lifecycle_stage=rules.stage(history, limits), churn_risk=float(risk[0]),
                churn_factors=[r.__dict__ for r in reasons[0]],
                expected_value=round(float(risk[0] * clv[0]), 2), computed_at=NOW,
            ))  # fmt: skip
            session.flush()
        session.rollback()
    return time.perf_counter() - started


def nightly(
    database: Database, settings: Settings, customers: int, profiler: cProfile.Profile | None
) -> tuple[float, Recomputed]:
    """One run of the real nightly recompute, committed; seconds taken and what it did."""
    started, cpu = time.perf_counter(), time.process_time()
    with database.unit_of_work() as session, Progress() as bar:
        task = bar.add_task("nightly recompute", total=customers)
        work = Work(session, settings, actor=SYSTEM, clock=FixedClock(NOW))
        if profiler:
            profiler.enable()
        done = recompute(session, work, progress=lambda n: bar.advance(task, n))
        if profiler:
            profiler.disable()
    took = time.perf_counter() - started
    print(f"  {done.customers:,} customers in {took:.1f} s wall, "
          f"{time.process_time() - cpu:.1f} s CPU of this process")  # fmt: skip
    return took, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--loop-rows", type=int, default=300)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a throwaway one)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="--url is populated already")
    args = parser.parse_args()
    with nullcontext(args.url) if args.url else postgres_database("value") as url:
        started = time.perf_counter()
        if args.reuse:
            print("reusing the customers, bills and usage already in --url")
        else:
            populate(url, args.customers)
            took = time.perf_counter() - started
            print(f"populated {args.customers:,} customers in {took:.0f} s")
        database = Database(url)
        settings = Settings(database_url=url, worker_enabled=False)
        model = store_model(database)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        first, first_done = nightly(database, settings, args.customers, None)
        profiler = cProfile.Profile() if args.profile else None
        took, done = nightly(database, settings, args.customers, profiler)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        loop = per_row(database, settings, model, args.loop_rows)
        database.dispose()
    fast, slow = done.customers / took, args.loop_rows / loop
    print(f"model: {model.description}")
    print(
        f"first night: {first_done.customers:,} customers in {first:.1f} s "
        f"({first_done.tier_changes:,} tier changes, each written and audited)"
    )
    print(f"next night: {done.customers:,} customers in {took:.1f} s = {fast:,.0f} customers/s "
          f"({done.tier_changes:,} tier changes); peak RSS {rss:,.0f} MB "
          f"(before the jobs {rss_before:,.0f} MB)")  # fmt: skip
    print(f"per-row loop: {args.loop_rows} customers in {loop:.1f} s = {slow:,.1f} customers/s")
    print(f"ratio: {fast / slow:.1f}×")
    print(f"10 M customers: {1e7 / fast / 60:.1f} min by the job, {1e7 / slow / 3600:.1f} h "
          "per row")  # fmt: skip
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
