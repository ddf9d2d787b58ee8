"""income method (placeholder, being written)."""
