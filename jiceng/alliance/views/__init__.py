"""Pages of the regional party-building alliance, one module per area."""
