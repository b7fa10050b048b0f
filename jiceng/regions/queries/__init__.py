"""Reads of the region tree that are more than one line."""
