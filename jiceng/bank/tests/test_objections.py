"""Objections to an award on the notice board: upheld, dismissed, and closed with the notice."""

import datetime as dt

import pytest
from django.utils import timezone

from jiceng.bank.models import Account, ClaimState, NoticeState, Objection, ObjectionState, Transfer
from jiceng.bank.services.claims import ClaimError
from jiceng.bank.services.objections import notice_withdraw, objection_decide, objection_file
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


def _on_notice(personas, rules):
    me = personas["resident"]
    return claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )


def test_an_objection_filed_in_time_on_an_award_just_posted_reverses_it_when_upheld(personas, rules, regions):
    """Settle won the notice's lock in the same instant; the objection was sent in time all the same."""
    claim = _on_notice(personas, rules)
    assert bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1)) == 1
    objection = objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    wallet = Account.objects.get(person=personas["resident"].person)
    assert wallet.posted == claim.points
    objection_decide(reviewer=personas["worker"], objection=objection, uphold=True, reason="经核实情况不属实")
    wallet.refresh_from_db()
    assert wallet.posted == 0
    reversal = Transfer.objects.get(reverses_id=claim.transfer_id)
    assert (reversal.kind, reversal.state, reversal.amount) == ("reversal", "posted", claim.points)
    claim.refresh_from_db()
    claim.notice.refresh_from_db()
    assert claim.state == ClaimState.VOIDED and claim.notice.state == NoticeState.VOIDED
    assert verify_district(regions["district"])[0] == []


def test_a_posted_award_already_spent_is_not_half_reversed(personas, rules, regions):
    from jiceng.bank import ledger

    claim = _on_notice(personas, rules)
    bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1))
    objection = objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    wallet = Account.objects.get(person=personas["resident"].person)
    pool = ledger.love_pool(regions["A1"])
    ledger.transfer(
        district=regions["district"],
        key="spent",
        debit=wallet,
        credit=pool,
        amount=1,
        kind="donation",
        reason="捐",
    )
    with pytest.raises(ClaimError, match="暂时无法冲回"):
        objection_decide(reviewer=personas["worker"], objection=objection, uphold=True, reason="经核实不属实")
    assert Objection.objects.get(pk=objection.pk).state == ObjectionState.OPEN
    assert not Transfer.objects.filter(reverses_id=claim.transfer_id).exists()
    assert verify_district(regions["district"])[0] == []


def test_the_claimant_may_not_object_to_their_own_award_but_may_withdraw_it(personas, rules, regions):
    claim = _on_notice(personas, rules)
    with pytest.raises(ClaimError, match="撤回申报"):
        objection_file(user=personas["resident"], notice=claim.notice, reason="我自己报错了")
    notice_withdraw(user=personas["resident"], notice=claim.notice)
    claim.refresh_from_db()
    assert claim.state == ClaimState.VOIDED
    assert Transfer.objects.get(pk=claim.transfer_id).state == "voided"
    assert verify_district(regions["district"])[0] == []
    with pytest.raises(ClaimError, match="只有申报人本人"):
        notice_withdraw(user=personas["outsider"], notice=claim.notice)


def test_one_open_objection_per_person_per_award(personas, rules):
    claim = _on_notice(personas, rules)
    first = objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    with pytest.raises(ClaimError, match="已有一条异议在处理中"):
        objection_file(user=personas["outsider"], notice=claim.notice, reason="再说一遍理由")
    objection_decide(reviewer=personas["worker"], objection=first, uphold=False, reason="有现场照片为证")
    objection_file(
        user=personas["outsider"], notice=claim.notice, reason="我又有新的线索"
    )  # a new one, after a decision


def test_the_board_says_a_posted_award_was_reversed(client, personas, rules):
    from conftest import login_client

    claim = _on_notice(personas, rules)
    bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1))
    objection = objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    page = login_client(client, personas["outsider"]).get(f"/bank/notices/{claim.community.code}/")
    assert "异议正在核实" in page.content.decode()
    objection_decide(reviewer=personas["worker"], objection=objection, uphold=True, reason="经核实不属实")
    html = client.get(f"/bank/notices/{claim.community.code}/").content.decode()
    assert "已全部冲回" in html and "异议成立已作废" in html
