class FundingError(Exception):
    """A refusal of a funding write, worded for the person who asked."""
