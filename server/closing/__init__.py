"""The end of an office day: every ticket still open ends, no line carries into the next day."""
