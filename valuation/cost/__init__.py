"""cost method (placeholder, being written)."""
