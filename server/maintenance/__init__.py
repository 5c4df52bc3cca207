"""Looking after an installation's data: backups and restores."""
