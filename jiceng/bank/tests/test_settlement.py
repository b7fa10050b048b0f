"""Settling: an award on notice is posted once its notice ends, exactly once."""

import datetime as dt

from jiceng.bank.models import Account, ClaimState, NoticeState
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.services.settlement import bank_settle
from jiceng.bank.tests.factories import file_claim
from jiceng.bank.verify import verify_district


def test_it_walks_claim_review_notice_settle(personas, rules, regions):
    resident = personas["resident"]
    claim = file_claim(resident, resident.person, rules["helping"])
    assert claim.state == ClaimState.SUBMITTED and claim.filed_mode == "self"
    claim = claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    assert claim.state == ClaimState.ON_NOTICE
    wallet = Account.objects.get(person=resident.person)
    assert (wallet.available, wallet.pending_in) == (0, 5)
    notice = claim.notice
    assert notice.masked_name == resident.person.masked_name and notice.state == NoticeState.OPEN
    assert bank_settle() == 0  # the notice still runs
    assert bank_settle(now=notice.ends_at + dt.timedelta(seconds=1)) == 1
    assert bank_settle(now=notice.ends_at + dt.timedelta(seconds=2)) == 0  # idempotent
    wallet.refresh_from_db()
    claim.refresh_from_db()
    assert (wallet.available, wallet.pending_in, claim.state) == (5, 0, ClaimState.CREDITED)
    assert verify_district(regions["district"])[0] == []
