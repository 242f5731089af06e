"""Authentication, roles and permissions, tokens, the audit log (认证与审计)."""
