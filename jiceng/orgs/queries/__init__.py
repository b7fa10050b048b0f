"""Reads of organisations that are more than one line."""
