"""Wait tickets: numbering, lifecycle, routing to counters."""
