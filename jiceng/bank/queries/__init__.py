"""Reads of the Moral Bank, one module per area; every name is `<entity>_<verb>`.

wallets (a resident's wallet and its entries), rules, claims (filing and review),
notices (the public notice board), rewards (the Moral Alliance: rewards, vouchers,
partners), giving (the love pool and residents in need), reports (settlement) and
signals (fairness). Nothing here writes.
"""
