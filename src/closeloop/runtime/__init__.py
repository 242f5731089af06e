"""How a unit of work runs: its context, domain events, the module manifest's shape, CLI support.

Sits on the base layer (kit, db, worker) and below every domain: domains use it, it knows none.
"""
