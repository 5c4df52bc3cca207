"""Calibrating wait ranges on the errors of earlier forecasts (split conformal prediction)."""
