"""The office configuration file: what an installation's sites, services and counters are."""
