"""Who read which session, when and from where (the AuditEntry rows)."""
