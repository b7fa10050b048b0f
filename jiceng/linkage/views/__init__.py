"""Pages of the linkage app: tasks (`assignments.py`) and grids (`grids.py`)."""
