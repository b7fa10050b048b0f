"""Pages of activities, one module per area."""
