"""Moral Bank pages, one module per area: ledger (public log, my points), claims, rewards, giving, reports."""
