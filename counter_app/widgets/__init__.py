"""Thin Qt widgets of the counter app: they render the core's state and forward input."""
