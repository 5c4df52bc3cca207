"""Aufruf: queue management and call display for citizen offices."""
