"""Reads of the charters app."""
