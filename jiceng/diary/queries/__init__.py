"""Reads of the moral diary."""
