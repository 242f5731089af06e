"""Proactive care (主动关怀): usage and roaming notices, progress messages, the outbox.

models.py, schemas.py (API bodies and answers), api.py (the routes), cli.py, tasks.py; the
services the routes call are named by business: outbox.py (notifications, opt-outs),
subscriptions.py, outages.py, rule_settings.py; rules.py holds the rules as pure functions;
ingest.py with usage_file.py, usage_store.py and evaluate.py is the usage engine.
"""
