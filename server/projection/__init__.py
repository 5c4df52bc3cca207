"""Each site's public state in memory, kept current from the site's own events."""
