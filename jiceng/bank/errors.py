"""The Moral Bank's refusals. Each carries a message that says what went wrong and what to do.

They live below `services/` and `queries/` so that a read that refuses (a voucher
code that is not found, a resident who cannot be identified) raises the same error
as the write it leads to.
"""


class ClaimError(Exception):
    """A refusal about earning rules, claims, reviews or objections."""


class RewardError(Exception):
    """A refusal about the Moral Alliance: partners, rewards and vouchers."""


class GivingError(Exception):
    """A refusal about passing points on: donations, the love pool and residents in need."""
