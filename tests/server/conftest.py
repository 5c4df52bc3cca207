"""Server tests use the shared fixtures of tests/conftest.py (database, clock, clerk)."""
