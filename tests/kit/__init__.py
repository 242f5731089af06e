"""Tests of the kit: small pieces with no database."""
