"""Reads of residents that are more than one line."""
