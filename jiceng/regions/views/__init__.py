"""Pages of the region tree."""
