"""Objections to an award on the notice board: upheld, dismissed, and closed with the notice."""

import datetime as dt

import pytest
from django.utils import timezone

from jiceng.bank.models import Account, ClaimState, NoticeState, ObjectionState, Transfer
from jiceng.bank.services.claims import ClaimError
from jiceng.bank.services.objections import objection_decide, objection_file
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.services.settlement import bank_settle
from jiceng.bank.tests.factories import file_claim
from jiceng.bank.verify import verify_district


def test_an_upheld_objection_voids_the_award(personas, rules, regions):
    me = personas["resident"]
    claim = claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    objection = objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    assert bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1)) == 0  # an open objection waits
    objection_decide(reviewer=personas["worker"], objection=objection, uphold=True, reason="经核实情况不属实")
    claim.refresh_from_db()
    assert claim.state == ClaimState.VOIDED and claim.notice.state == NoticeState.VOIDED
    assert Transfer.objects.get(pk=claim.transfer_id).state == "voided"
    wallet = Account.objects.get(person=me.person)
    assert (wallet.posted, wallet.pending_in) == (0, 0)
    assert verify_district(regions["district"])[0] == []


def test_a_dismissed_objection_lets_the_award_settle(personas, rules):
    me = personas["resident"]
    claim = claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    objection = objection_file(user=personas["outsider"], notice=claim.notice, reason="我觉得不属实")
    objection_decide(reviewer=personas["worker"], objection=objection, uphold=False, reason="有现场照片为证")
    assert objection.__class__.objects.get(pk=objection.pk).state == ObjectionState.DISMISSED
    assert bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1)) == 1


def test_objections_close_with_the_notice_period(personas, rules):
    me = personas["resident"]
    claim = claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    claim.notice.__class__.objects.filter(pk=claim.notice.pk).update(
        ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    claim.notice.refresh_from_db()
    with pytest.raises(ClaimError, match="公示期已结束"):
        objection_file(user=personas["outsider"], notice=claim.notice, reason="理由理由理由")
