"""market method (placeholder, being written)."""
