"""Channels (渠道): live chat with agents, phone-system events and customer ticket tracking."""
