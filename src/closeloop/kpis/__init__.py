"""KPIs and service standards (服务标准与指标): the read-only analytics over the domains."""
