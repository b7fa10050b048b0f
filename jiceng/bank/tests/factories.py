"""Small helpers to build ledger fixtures on the demo district's real regions."""

from conftest import make_person
from jiceng.bank import ledger


def funded_wallet(community, points: int, name="钱多多", key_prefix="seed"):
    person = make_person(community, name)
    wallet = ledger.wallet_for(person)
    if points:
        ledger.award(
            wallet=wallet,
            community=community,
            key=f"{key_prefix}-{person.pk}",
            amount=points,
            reason="初始积分",
            pending=False,
        )
    wallet.refresh_from_db()
    return wallet
