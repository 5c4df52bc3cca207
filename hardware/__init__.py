"""Device layer (placeholder, replaced below)."""
