"""Joining the queue from a phone: a public page and API that issue remote tickets, checked in at the kiosk."""
