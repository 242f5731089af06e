"""Workforce management (排班与话务预测): volumes, forecasts, staffing, schedules, intraday."""
