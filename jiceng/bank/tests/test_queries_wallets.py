"""Reads of a resident's wallet: nothing is opened by reading, entries are signed, proofs follow checkpoints."""

from jiceng.bank import ledger, log
from jiceng.bank.models import Account
from jiceng.bank.queries.wallets import entry_ids_in_log, entry_list_recent, wallet_get
from jiceng.bank.tests.factories import funded_wallet


def test_reading_a_wallet_never_opens_one(personas):
    assert wallet_get(personas["resident"].person) is None
    assert not Account.objects.filter(person=personas["resident"].person).exists()
    assert wallet_get(personas["resident"].person) is None


def test_entries_are_signed_from_the_wallets_side(regions):
    giver = funded_wallet(regions["A1"], 20, name="捐赠人")
    pool = ledger.love_pool(regions["A1"])
    ledger.transfer(
        district=giver.district_id,
        key="give-1",
        debit=giver,
        credit=pool,
        amount=5,
        kind="donation",
        reason="捐",
    )
    newest, award = entry_list_recent(giver)
    assert (newest.signed_amount, newest.incoming, newest.other) == (-5, False, pool)
    assert (award.signed_amount, award.incoming) == (20, True)


def test_entries_count_as_logged_once_a_checkpoint_covers_them(regions):
    wallet = funded_wallet(regions["A1"], 10)
    entries = entry_list_recent(wallet)
    assert entry_ids_in_log(wallet, entries) == set()
    log.checkpoint(regions["district"])
    assert entry_ids_in_log(wallet, entries) == {entries[0].pk}
    assert entry_ids_in_log(wallet, []) == set()
