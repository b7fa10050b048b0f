"""Scale data: a generated district of a real district's size, for measuring the product (`jiceng generate`)."""
