"""Reviewing claims: who may review, two reviewers above a threshold, sending back, bulk approval."""

import pytest

from conftest import make_person, make_user
from jiceng.bank.models import ClaimState
from jiceng.bank.services.claims import ClaimError
from jiceng.bank.services.reviews import claim_review, claims_review_bulk
from jiceng.bank.tests.factories import file_claim
from jiceng.core.models import Role
from jiceng.people.models import Household


@pytest.fixture
def worker2(regions):
    return make_user(
        "worker2_a1", Role.COMMUNITY_WORKER, region=regions["A1"], person=make_person(regions["A1"], "周二")
    )


def test_nobody_reviews_their_own_or_their_households_claim(personas, rules, regions):
    household = Household.objects.create(
        district=regions["district"], community=regions["A1"], number="9-9-901"
    )
    worker = personas["worker"]
    worker.person = make_person(regions["A1"], "孙工", household=household)
    worker.save()
    own = file_claim(worker, worker.person, rules["helping"])
    with pytest.raises(ClaimError, match="不能审核自己的申报"):
        claim_review(reviewer=worker, claim=own, approve=True)
    relative = make_person(regions["A1"], "孙母", household=household)
    theirs = file_claim(worker, relative, rules["helping"])
    assert theirs.filed_mode == "office"
    with pytest.raises(ClaimError, match="本户家庭成员"):
        claim_review(reviewer=worker, claim=theirs, approve=True)


def test_a_worker_of_another_community_cannot_review(personas, rules):
    claim = file_claim(personas["resident"], personas["resident"].person, rules["helping"])
    with pytest.raises(ClaimError, match="所在社区"):
        claim_review(reviewer=personas["outsider_worker"], claim=claim, approve=True)


def test_a_rule_above_its_threshold_needs_two_different_reviewers(personas, rules, worker2):
    claim = file_claim(personas["resident"], personas["resident"].person, rules["bravery"], witness="王大爷")
    claim = claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    assert claim.state == ClaimState.UNDER_REVIEW and claim.transfer is None
    with pytest.raises(ClaimError, match="另一位工作人员"):
        claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    claim = claim_review(reviewer=worker2, claim=claim, approve=True)
    assert claim.state == ClaimState.ON_NOTICE and claim.reviews.count() == 2


def test_rejected_claims_do_not_count_towards_caps_and_need_a_reason(personas, rules):
    person = personas["resident"].person
    claim = file_claim(personas["resident"], person, rules["helping"])
    with pytest.raises(ClaimError, match="原因"):
        claim_review(reviewer=personas["worker"], claim=claim, approve=False)
    claim = claim_review(reviewer=personas["worker"], claim=claim, approve=False, reason="未核实")
    assert claim.state == ClaimState.REJECTED and claim.reject_reason == "未核实"
    for _ in range(6):
        file_claim(personas["resident"], person, rules["helping"])


def test_bulk_approval_lists_refusals(personas, rules, regions):
    people = [make_person(regions["A1"], f"居民{i}") for i in range(3)]
    claims = [file_claim(personas["worker"], p, rules["helping"]) for p in people]
    claims.append(file_claim(personas["outsider"], personas["outsider"].person, rules["helping"]))
    done, refused = claims_review_bulk(reviewer=personas["worker"], claims=claims)
    assert done == 0 and len(refused) == 4 and "另一位工作人员" in refused[0]  # filed by this worker
    worker2 = make_user("w2", Role.COMMUNITY_WORKER, region=regions["A1"])
    done, refused = claims_review_bulk(reviewer=worker2, claims=claims)
    assert done == 3 and len(refused) == 1 and "赵外人" in refused[0]
