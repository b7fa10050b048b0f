"""Reads of the activities app that are more than one line (one module per area)."""
