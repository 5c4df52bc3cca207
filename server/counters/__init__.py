"""Counters (Schalter) and the clerks' actions at them."""
