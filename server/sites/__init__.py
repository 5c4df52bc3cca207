"""Sites (offices) and the services citizens can draw tickets for."""
