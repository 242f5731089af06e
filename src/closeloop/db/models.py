"""Imports every model module so the metadata (and Alembic) sees the whole schema."""

from closeloop.auth import models as auth_models
from closeloop.care import models as care_models
from closeloop.customers import models as customer_models
from closeloop.knowledge import models as knowledge_models
from closeloop.organisation import models as organisation_models
from closeloop.tickets import compensation as compensation_models
from closeloop.tickets import models as ticket_models
from closeloop.tmf import models as tmf_models
from closeloop.worker import models as worker_models

__all__ = [
    "auth_models",
    "care_models",
    "compensation_models",
    "customer_models",
    "knowledge_models",
    "organisation_models",
    "ticket_models",
    "tmf_models",
    "worker_models",
]
