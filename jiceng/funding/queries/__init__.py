"""Reads of funding: `funds.py` and `contracts.py`."""
