"""The wait forecast kept per site in memory: read by every request, recomputed off the request path."""
