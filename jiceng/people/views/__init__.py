"""Pages of residents: the list and the roster import."""
