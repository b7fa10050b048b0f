"""The Moral Bank's refusals. Each carries a message that says what went wrong and what to do.

They live below `services/` and `queries/` so that a read that refuses (a voucher
code that is not found, a resident who cannot be identified) raises the same error
as the write it leads to. The ledger's own refusals come first: every service that moves
points may meet them (`ledger.InsufficientPoints` and the rest are these).
"""

from django.utils.translation import gettext as _


class LedgerError(Exception):
    """A refusal a person can act on; the message says what went wrong."""


class InsufficientPoints(LedgerError):
    """An account would be overdrawn; `available` is what it could spend, `needed` what was asked."""

    def __init__(self, account_name: str, available: int, needed: int):
        self.available, self.needed = available, needed
        super().__init__(
            _("%(a)s 可用积分不足：可用 %(have)d 分，本次需要 %(need)d 分")
            % {"a": account_name, "have": available, "need": needed}
        )


class IdempotencyConflict(LedgerError):
    pass


class AlreadyResolved(LedgerError):
    pass


class ClaimError(Exception):
    """A refusal about earning rules, claims, reviews or objections."""


class RewardError(Exception):
    """A refusal about the Moral Alliance: partners, rewards and vouchers."""


class GivingError(Exception):
    """A refusal about passing points on: donations, the love pool and residents in need."""
