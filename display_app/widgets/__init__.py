"""Thin widgets that render the display core's state."""
