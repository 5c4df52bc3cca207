"""Clerks, devices and how they prove who they are."""
