"""Proactive care (主动关怀): usage and roaming notices, progress messages, the outbox."""
