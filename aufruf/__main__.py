"""Allows `python -m aufruf`."""

from aufruf.cli import main

main()
