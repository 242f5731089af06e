"""Database access: engine, sessions, declarative base."""

from closeloop.db.base import Base, UTCDateTime
from closeloop.db.engine import Database

__all__ = ["Base", "Database", "UTCDateTime"]
