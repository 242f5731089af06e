"""The data of benchmarks/kpis.py, set-based on PostgreSQL (INSERT … SELECT FROM generate_series,
nothing through the ORM): customers, then chunks of tickets created within one month with their
histories, missed deadlines, contacts (with handling times) and self-service conversations.

Ticket n follows one of these histories (n % 20):
- 0–7 (40 %): resolved at once by the agent (first-contact resolution); one in five of them
  (n % 40 = 0) reopened later and resolved by an expert;
- 8–16 (45 %): escalated, dispatched to a station (one in nine returned and dispatched again),
  accepted, replied and called back — satisfied (closed), not reached at first (n % 10 = 3:
  a second callback closes it) or not satisfied (n % 10 = 5: back to the expert, dispatched,
  replied and closed at a second callback); one in thirteen reopened after closing and resolved;
  one in seven misses its station's work deadline;
- 17–19 (15 %): still open (new, or escalated to the expert).
One in eleven tickets misses its resolution deadline; every ticket has a contact that ended
(handling time 60–660 s); every tenth a self-service conversation (a third of them handed over).
"""

from __future__ import annotations

import time
from datetime import datetime

from rich.progress import MofNCompleteColumn, Progress
from sqlalchemy import create_engine, text

CUSTOMERS = """
INSERT INTO customers (msisdn, name, region, plan_id, join_date)
SELECT '19' || lpad(CAST(n AS text), 9, '0'), '压测客户' || n,
    (ARRAY['长沙市','株洲市','湘潭市','衡阳市','岳阳市'])[1 + n % 5], :plan,
    DATE '2020-01-01' + CAST(n % 2000 AS integer)
FROM generate_series(1, CAST(:count AS bigint)) AS n
ON CONFLICT (msisdn) DO NOTHING
"""

TICKETS = """
INSERT INTO tickets (number, status, version, customer_id, channel, type, category, severity,
    title, description, region, station, created_by, prewarned, reopen_count, return_count,
    first_contact_resolved, resolution_due_at, sort_due_at, created_at, updated_at)
SELECT 'KP' || n, CASE WHEN n % 20 < 17 THEN 'closed' WHEN n % 2 = 0 THEN 'new' ELSE 'expert' END,
    2, :c0 + (n % :span), (ARRAY['hotline','online','app','sms','social','store'])[1 + n % 6],
    CASE WHEN n % 50 = 0 THEN 'complaint' ELSE 'fault' END,
    (CAST(:categories AS text[]))[1 + (n / 7) % 8], 'normal',
    '室内信号弱', '压测数据', (ARRAY['长沙市','株洲市','湘潭市','衡阳市','岳阳市'])[1 + n % 5],
    CASE WHEN n % 20 >= 8 AND n % 20 < 17
         THEN (ARRAY['wireless','netops','billing','vas','field'])[1 + n % 5] END,
    'agent' || (n % 200), false, 0, 0, n % 20 < 8,
    t + interval '3 days', t + interval '3 days', t, t
FROM (SELECT n, CAST(:start AS timestamptz) + make_interval(secs => (n * 7919) % :seconds) AS t
      FROM generate_series(CAST(:first AS bigint), :last) AS n) AS g
"""

# (step, action, from, to, actor, whether it happens): a step is 30 minutes after creation.
EVENTS = """
INSERT INTO ticket_events (ticket_id, at, actor, action, from_status, to_status, station, note)
SELECT id, created_at + make_interval(mins => step * 30), actor, action, f, s,
    CASE WHEN action = 'create' THEN NULL ELSE st END, ''
FROM (
  SELECT t.id, t.created_at, t.station AS st, v.step, v.action, v.f, v.s, v.actor
  FROM (SELECT t.*, CAST(substr(t.number, 3) AS bigint) AS n FROM tickets t
        WHERE t.id > :after AND t.number LIKE 'KP%') AS t,
  LATERAL (SELECT t.station IS NOT NULL AS b, t.n % 20 < 8 AS a, t.n % 10 AS cb) AS k,
  LATERAL (VALUES
    (0, 'create', NULL, 'new', t.created_by, true),
    (1, 'resolve', 'new', 'closed', t.created_by, k.a),
    (10, 'reopen', 'closed', 'expert', t.created_by, k.a AND t.n % 40 = 0),
    (11, 'resolve', 'expert', 'closed', 'expert', k.a AND t.n % 40 = 0),
    (1, 'escalate', 'new', 'expert', t.created_by, k.b OR (t.n % 20 >= 17 AND t.n % 2 = 1)),
    (2, 'dispatch', 'expert', 'dispatched', 'expert', k.b),
    (3, 'return', 'dispatched', 'expert', t.station, k.b AND t.n % 9 = 0),
    (4, 'dispatch', 'expert', 'dispatched', 'expert', k.b AND t.n % 9 = 0),
    (5, 'accept', 'dispatched', 'in_progress', t.station, k.b),
    (6, 'reply', 'in_progress', 'replied', t.station, k.b),
    (7, 'callback', 'replied', 'closed', 'callback', k.b AND k.cb NOT IN (3, 5)),
    (7, 'callback', 'replied', 'replied', 'callback', k.b AND k.cb = 3),
    (8, 'callback', 'replied', 'closed', 'callback', k.b AND k.cb = 3),
    (7, 'callback', 'replied', 'expert', 'callback', k.b AND k.cb = 5),
    (8, 'dispatch', 'expert', 'dispatched', 'expert', k.b AND k.cb = 5),
    (9, 'accept', 'dispatched', 'in_progress', t.station, k.b AND k.cb = 5),
    (10, 'reply', 'in_progress', 'replied', t.station, k.b AND k.cb = 5),
    (11, 'callback', 'replied', 'closed', 'callback', k.b AND k.cb = 5),
    (13, 'reopen', 'closed', 'expert', 'supervisor', k.b AND t.n % 13 = 0),
    (14, 'resolve', 'expert', 'closed', 'expert', k.b AND t.n % 13 = 0)
  ) AS v(step, action, f, s, actor, happens)
  WHERE v.happens
) AS e
ORDER BY id, step
"""

BREACHES = """
INSERT INTO ticket_breaches (ticket_id, stage, station, due_at, detected_at)
SELECT t.id, v.stage, v.station, t.created_at + v.due, t.created_at + v.due + interval '1 minute'
FROM (SELECT t.*, CAST(substr(t.number, 3) AS bigint) AS n FROM tickets t
      WHERE t.id > :after AND t.number LIKE 'KP%') AS t,
LATERAL (VALUES
    ('work', t.station, interval '170 minutes', t.station IS NOT NULL AND t.n % 7 = 0),
    ('resolution', NULL, interval '40 minutes', t.n % 11 = 0)
) AS v(stage, station, due, happens)
WHERE v.happens
"""

CONTACTS = """
INSERT INTO contacts (customer_id, at, channel, agent, summary, ended_at, duration_seconds,
    ticket_id)
SELECT t.customer_id, t.created_at - interval '10 minutes', t.channel, t.created_by, '',
    t.created_at - interval '10 minutes' + make_interval(secs => d), d, t.id
FROM (SELECT t.*, 60 + (t.id * 37) % 600 AS d FROM tickets t
      WHERE t.id > :after AND t.number LIKE 'KP%') AS t
"""

CHATS = """
INSERT INTO kb_chat_sessions (id, transcript, state, handed_over, created_at, updated_at)
SELECT 'kp-' || t.id, CAST('[]' AS json), CAST('{}' AS json), t.id % 3 = 0,
    t.created_at - interval '20 minutes', t.created_at
FROM tickets t WHERE t.id > :after AND t.number LIKE 'KP%' AND t.id % 10 = 0
"""


def load(url: str, count: int, chunk: int, start: datetime, seconds: int) -> float:
    """Customers (one per ten tickets), then the tickets and all they bring, a chunk per
    transaction behind a progress bar, then ANALYZE; seconds taken."""
    engine = create_engine(url)
    began = time.perf_counter()
    with engine.begin() as conn:
        plan = conn.execute(text("SELECT min(id) FROM plans")).scalar()
        conn.execute(text(CUSTOMERS), {"plan": plan, "count": max(count // 10, 1000)})
        c0, c1 = conn.execute(text("SELECT min(id), max(id) FROM customers")).one()
        leaves = "SELECT code FROM categories WHERE code LIKE '%/%/%' ORDER BY code LIMIT 8"
        categories = list(conn.execute(text(leaves)).scalars())
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn()) as bar:
        task = bar.add_task("tickets", total=count)
        for first in range(1, count + 1, chunk):
            last = min(first + chunk - 1, count)
            with engine.begin() as conn:
                after = conn.execute(text("SELECT coalesce(max(id), 0) FROM tickets")).scalar()
                span = {"c0": c0, "span": c1 - c0 + 1, "first": first, "last": last,
                        "categories": categories}  # fmt: skip
                conn.execute(text(TICKETS), {"start": start, "seconds": seconds, **span})
                for statement in (EVENTS, BREACHES, CONTACTS, CHATS):
                    conn.execute(text(statement), {"after": after})
            bar.update(task, completed=last)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    return time.perf_counter() - began
