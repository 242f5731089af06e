"""TM Forum Open API façade: TMF621 trouble tickets, TMF629 customers, TMF681 messages.

An adapter: it maps TMF resources to and from the domains' services and decides nothing.
TMF621 reads ticket_api.py (routes) → ticket_service.py (operations over the tickets domain's
services) → ticket_mapping.py (resources, statuses, update bodies); common.py, events.py
(hub outbox) and delivery.py are shared by the three APIs.
"""
