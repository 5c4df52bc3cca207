"""Figures for supervisors, computed from the event log."""
