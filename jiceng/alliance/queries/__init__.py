"""Reads of the alliance app that are more than one line."""
