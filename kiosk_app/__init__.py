"""The lobby kiosk: citizens draw numbered tickets, check in appointments and get a printout."""
