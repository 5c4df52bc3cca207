"""Booked appointments: import, booking codes, check-in, no-shows and deletion of personal data."""
