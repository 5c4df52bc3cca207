"""Thin widgets for the kiosk: they render the core's state and forward touches to it."""
