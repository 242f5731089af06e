"""Benchmark data for the credit run on PostgreSQL, made set-based: customers and a year of bills
and payments with `INSERT … SELECT FROM generate_series` (no ORM, no Python rows), in chunks so a
rich progress bar shows how far it is.

The mix (deterministic from the customer id, so runs repeat): due dates spread over the month by
billing cycle (`due day = 1 + id % 28` of the month after the period); about 3 % of customers
stop paying from a month of their own; about 8 % pay 5–25 days late (a late bill still open on
the run day is unpaid then and paid on its day, `pay_day`); the rest pay before the due date.
ID numbers with a birth date (about 1 % of them minors at sign-up, 2 % shared by two lines),
deposits, sales channels, regions, segments, plans and tenures vary the same way.

The bills table's foreign key and indexes are dropped for the load and made again after it (one
sort each instead of 120 million index insertions), then the tables are vacuumed and analysed:
the state a nightly run meets.
"""

from __future__ import annotations

from datetime import date

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Connection, create_engine, text

CHUNK = 1_000_000

STOPS = "(({id}::bigint * 7919) % 1000 < 30)"  # ~3 % stop paying …
STOP_MONTH = "({id} % {months})"  # … from this month of the year
LATE = "(({id}::bigint * 7919) % 1000 BETWEEN 30 AND 109)"  # ~8 % pay late
LATENESS = "(5 + ({id} * 13 + CAST(substr({period}, 6, 2) AS integer)) % 21)"
DUE_SHIFT = "({id} % 28)"

CUSTOMERS = """
INSERT INTO customers (id, msisdn, name, region, plan_id, join_date, id_number, segment, deposit,
                       sales_channel)
SELECT i, '1' || (30 + i % 60)::text || lpad(i::text, 8, '0'), '客户' || i,
       (ARRAY['长沙市','株洲市','湘潭市','衡阳市','岳阳市','常德市'])[1 + i % 6],
       (SELECT min(id) FROM plans) + i % :plans,
       DATE '2026-11-30' - (i * 7 % 3650),
       CASE WHEN i % 97 = 0 THEN NULL ELSE
         '4301' || lpad((j % 100)::text, 2, '0')
         || to_char(CASE WHEN j % 100 = 1 THEN DATE '2010-01-01' + j % 5000
                         ELSE DATE '1950-01-01' + j * 31 % 20000 END, 'YYYYMMDD')
         || lpad((j / 20000 % 1000)::text, 3, '0') || 'X'
       END,
       CASE WHEN i % 10 = 0 THEN 'vip' WHEN i % 10 < 4 THEN 'family' ELSE 'mass' END,
       CASE WHEN i % 5 = 0 THEN 0 WHEN i % 5 = 1 THEN 100 WHEN i % 5 = 2 THEN 300 ELSE NULL END,
       (ARRAY['营业厅','网上营业厅','代理商','直销'])[1 + i % 4]
FROM generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS i
CROSS JOIN LATERAL (SELECT CASE WHEN i % 50 = 2 THEN i - 1 ELSE i END AS j) AS twin
"""

BILLS = f"""
INSERT INTO bills (customer_id, period, amount_due, amount_paid, due_date, paid_date)
SELECT b.id, :period, b.amount,
       CASE WHEN b.paid IS NULL OR b.paid > :today THEN 0 ELSE b.amount END,
       b.due, CASE WHEN b.paid IS NULL OR b.paid > :today THEN NULL ELSE b.paid END
FROM (
  SELECT i AS id, (20 + (i * 37 + CAST(:m AS integer) * 11) % 200)::numeric(12, 2) AS amount,
         CAST(:due AS date) + {DUE_SHIFT.format(id="i")} AS due,
         CASE WHEN {STOPS.format(id="i")} AND :m >= {STOP_MONTH.format(id="i", months=":months")}
                THEN NULL
              WHEN {LATE.format(id="i")}
                THEN CAST(:due AS date) + {DUE_SHIFT.format(id="i")}
                     + {LATENESS.format(id="i", period=":period")}
              ELSE CAST(:due AS date) + {DUE_SHIFT.format(id="i")} - (i % 10) END AS paid
  FROM generate_series(CAST(:lo AS integer), CAST(:hi AS integer)) AS i
) AS b
"""

PAYMENTS_OF_THE_DAY = f"""
UPDATE bills SET amount_paid = amount_due, paid_date = :day
WHERE amount_paid < amount_due AND due_date < :day
  AND {LATE.format(id="customer_id")}
  AND due_date + {LATENESS.format(id="customer_id", period="period")} = :day
"""


def _bills_schema(conn: Connection) -> list[str]:
    """The bills table's foreign keys and indexes as DDL, to make again after the load."""
    rows = conn.execute(
        text(
            "SELECT 'ALTER TABLE bills ADD CONSTRAINT ' || conname || ' ' "
            "|| pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'bills'::regclass AND contype IN ('f', 'u') "
            "UNION ALL SELECT indexdef FROM pg_indexes WHERE tablename = 'bills' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'bills'::regclass)"
        )
    ).scalars()
    return list(rows)


def _drop_bills_schema(conn: Connection) -> None:
    for (name,) in conn.execute(
        text(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'bills'::regclass "
            "AND contype IN ('f', 'u')"
        )
    ):
        conn.execute(text(f'ALTER TABLE bills DROP CONSTRAINT "{name}"'))
    for (name,) in conn.execute(
        text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'bills' AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = 'bills'::regclass)"
        )
    ):
        conn.execute(text(f'DROP INDEX "{name}"'))


def _periods(today: date, months: int) -> list[tuple[str, date]]:
    """The last `months` billing months before `today`'s month and the first due day of each."""
    first = today.year * 12 + today.month - 1 - months
    out = []
    for i in range(months):
        year, month = divmod(first + i, 12)
        after_year, after_month = divmod(first + i + 1, 12)
        out.append((f"{year}-{month + 1:02d}", date(after_year, after_month + 1, 1)))
    return out


def populate(url: str, customers: int, months: int, today: date) -> None:
    """Customers with `months` bills each (payments known as of `today`), set-based."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    chunks = [(lo, min(lo + CHUNK - 1, customers)) for lo in range(1, customers + 1, CHUNK)]
    periods = _periods(today, months)
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
    )  # fmt: skip
    with engine.connect() as conn, Progress(*columns) as bar:
        plans = conn.execute(text("SELECT count(*) FROM plans")).scalar_one()
        schema = _bills_schema(conn)
        _drop_bills_schema(conn)
        task = bar.add_task("customers", total=len(chunks))
        for lo, hi in chunks:
            conn.execute(text(CUSTOMERS), {"lo": lo, "hi": hi, "plans": plans})
            bar.advance(task)
        conn.execute(text("SELECT setval('customers_id_seq', :n)"), {"n": customers})
        task = bar.add_task(f"bills ({months} months)", total=len(chunks) * months)
        for m, (period, due) in enumerate(periods):
            for lo, hi in chunks:
                values = {"period": period, "m": m, "months": months, "due": due}
                conn.execute(text(BILLS), {**values, "today": today, "lo": lo, "hi": hi})
                bar.advance(task)
        task = bar.add_task("bills' keys and indexes", total=len(schema))
        for ddl in schema:
            conn.execute(text(ddl))
            bar.advance(task)
        task = bar.add_task("vacuum analyse", total=2)
        for table in ("customers", "bills"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))
            bar.advance(task)
    engine.dispose()


def pay_the_day(url: str, day: date) -> int:
    """The payments that arrive on `day` (late payers settling), as an import would write them."""
    engine = create_engine(url)
    with engine.begin() as conn:
        paid = conn.execute(text(PAYMENTS_OF_THE_DAY), {"day": day}).rowcount
    engine.dispose()
    return int(paid)
