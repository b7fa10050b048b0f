"""The moral diary's pages."""
