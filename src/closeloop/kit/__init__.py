"""Small shared building blocks: errors, clock, masking, pagination, request context."""
