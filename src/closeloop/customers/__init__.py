"""Customers (客户), their plans (套餐), contacts and timeline."""
