"""Kiosks and displays reporting their health."""
