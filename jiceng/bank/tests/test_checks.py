"""`jiceng check` refuses a signing key that is malformed, unmatched, or not the one that signed the log."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.checks import ledger_signer_key_check


def test_the_configured_key_passes(db):
    assert ledger_signer_key_check() == []


def test_a_signer_key_whose_pair_does_not_match_fails_the_check(db, settings):
    signer, _verifier = transparency.generate_signer_key("jiceng-moral-bank")
    private, key, name, key_id, rest = signer.split("+", 4)
    settings.LEDGER_SIGNER_KEY = f"{private}+{key}+{name}+{int(key_id, 16) ^ 1:08x}+{rest}"  # ID off by a bit
    assert [e.id for e in ledger_signer_key_check()] == ["jiceng.E101"]
    with pytest.raises(SystemCheckError, match="LEDGER_SIGNER_KEY"):
        call_command("check")
    settings.LEDGER_SIGNER_KEY = "PRIVATE+KEY+jiceng-moral-bank+zz"
    assert [e.id for e in ledger_signer_key_check()] == ["jiceng.E101"]


def test_a_key_other_than_the_one_that_signed_the_log_fails_the_check(personas, regions, settings):
    person = personas["resident"].person
    ledger.award(
        wallet=ledger.wallet_open(person),
        community=person.community,
        key="a",
        amount=7,
        reason="奖励",
        pending=False,
    )
    log.checkpoint(regions["district"])
    assert ledger_signer_key_check() == []
    settings.LEDGER_SIGNER_KEY = transparency.generate_signer_key("jiceng-moral-bank")[0]
    assert [e.id for e in ledger_signer_key_check()] == ["jiceng.E102"]
