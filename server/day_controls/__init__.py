"""A supervisor's controls for the day: closing a service, today's quota, notices, moving lines, ending sessions."""
