"""The self-service bot (在线自助): its decisions and their calibrated confidence, the typed
conversation kept between turns, the chat that answers customers and hands over to a person,
and the customer-facing sentences."""
