"""The baseline of benchmarks/workflow.py: a loop's database writes as bare SQL statements.

Per loop, as six transactions like the six requests: number the ticket and insert it with its
first history entry and audit entry; then five times update the ticket and insert a history
entry, an audit entry and, where the app sends one, a customer notification.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from sqlalchemy import Connection, create_engine, text

_INSERT_TICKET = text(
    "INSERT INTO tickets (number, status, version, customer_id, channel, type, category, "
    "severity, title, description, region, created_by, prewarned, reopen_count, return_count, "
    "first_contact_resolved, resolution_due_at, sort_due_at, created_at, updated_at) VALUES "
    "(:number, 'new', 1, :customer, 'hotline', 'fault', 'signal/indoor/weak', 'high', "
    "'室内信号弱', "
    "'客厅信号只有一格，通话断续', '长沙市', 'agent', false, 0, 0, false, :now, :now, :now, :now) "
    "RETURNING id"
)
_EVENT = text(
    "INSERT INTO ticket_events (ticket_id, at, actor, action, from_status, to_status, station, "
    "note) VALUES (:id, :now, 'bench', :action, 'x', :status, 'wireless', '')"
)
_AUDIT = text(
    "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, summary) "
    "VALUES (:now, 'bench', :action, 'ticket', :id, '')"
)
_UPDATE = text(
    "UPDATE tickets SET status = :status, version = version + 1, updated_at = :now WHERE id = :id"
)
_NOTIFY = text(
    "INSERT INTO notifications (customer_id, msisdn, recipient, channel, rule, text, status, "
    "created_at, send_after, attempts) VALUES (:customer, '13800000000', 'customer', 'sms', "
    "'ticket_progress', '进度', 'pending', :now, :now, 0)"
)
_STEPS = (
    ("escalate", "expert", False),
    ("dispatch", "dispatched", True),
    ("accept", "in_progress", True),
    ("reply", "replied", True),
    ("callback", "closed", True),
)


def _one_loop(conn: Connection, n: int, customer: int) -> None:
    now = datetime.now(UTC)
    with conn.begin():
        number = f"BB{n:014d}"
        ticket = conn.execute(
            _INSERT_TICKET, {"number": number, "customer": customer, "now": now}
        ).scalar_one()
        conn.execute(_EVENT, {"id": ticket, "now": now, "action": "create", "status": "new"})
        conn.execute(_AUDIT, {"id": str(ticket), "now": now, "action": "ticket.create"})
    for action, status, notify in _STEPS:
        with conn.begin():
            conn.execute(_UPDATE, {"id": ticket, "status": status, "now": now})
            conn.execute(_EVENT, {"id": ticket, "now": now, "action": action, "status": status})
            conn.execute(_AUDIT, {"id": str(ticket), "now": now, "action": f"ticket.{action}"})
            if notify:
                conn.execute(_NOTIFY, {"customer": customer, "now": now})


def bare_sql_loops(url: str, *, seconds: float, clients: int) -> dict[str, float]:
    """Loops per second when `clients` threads run the loop's writes as bare SQL."""
    engine = create_engine(url, pool_size=clients, max_overflow=0)
    with engine.connect() as conn:
        customer = conn.execute(text("SELECT min(id) FROM customers")).scalar_one()
    done = [0] * clients
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        with engine.connect() as conn:
            n = index
            while time.perf_counter() < deadline:
                _one_loop(conn, 10**9 + n, customer)
                done[index] += 1
                n += clients

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    engine.dispose()
    return {"loops": sum(done), "loops_per_s": sum(done) / elapsed}
