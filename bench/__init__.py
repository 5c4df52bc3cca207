"""Benchmarks that start the real server on loopback and measure it."""
