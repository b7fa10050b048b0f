"""Writes of the moral diary."""
