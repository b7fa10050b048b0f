"""Pages of the charters: staff record adopted versions; the current ones are public on the community page."""
