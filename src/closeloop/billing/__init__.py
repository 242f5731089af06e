"""Billing (账务): customers' monthly bills and what they paid, imported from the billing system."""
