"""Reviewing deed claims: community workers of the claimant's community approve or send back.

Never the claimant or someone in their household reviews a claim, and above a rule's
threshold two different people must approve. The last approval needed puts the award
on the public notice board as pending points.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank import ledger
from jiceng.bank.errors import ClaimError
from jiceng.bank.models import ClaimState, DeedClaim, EarningRule, Notice, NoticeState, Review
from jiceng.bank.queries.claims import claim_can_review
from jiceng.bank.queries.notices import notice_days, notice_title_for
from jiceng.people.models import Person

# What a review reads of the claim it locks, and of its claimant and rule.
_CLAIM_READ = ("id", "district_id", "community_id", "claimant_id", "rule_id", "points", "text", "filed_by_id")
_CLAIM_READ += ("filed_mode", "text_public", "state", "transfer_id", "decided_at", "reject_reason")
_CLAIM_PARENTS = (
    ("claimant", Person, ("id", "district_id", "community_id", "household_id", "name")),
    ("rule", EarningRule, ("id", "name", "category", "second_review_above")),
)


def claim_review(*, reviewer, claim: DeedClaim, approve: bool, reason: str = "") -> DeedClaim:
    """Record one review; the last needed approval puts the award on notice as pending points.

    On PostgreSQL the common case (the one approval a submitted claim needs) is a read and then
    one statement that is its own transaction, given that the claim is still submitted once
    locked; anything else, or a claim that changed in between, takes the locked way.
    """
    if approve and ledger.stands_alone():
        done = _approve_alone(reviewer, claim)
        if done is not None:
            return done
    return _claim_review_locked(reviewer=reviewer, claim=claim, approve=approve, reason=reason)


def _approve_alone(reviewer, claim: DeedClaim) -> DeedClaim | None:
    claim = ledger.row_locked(DeedClaim, claim.pk, _CLAIM_READ, _CLAIM_PARENTS, lock=False)
    if claim.state != ClaimState.SUBMITTED or claim.rule.reviews_needed(claim.points) > 1:
        return None
    if claim_can_review(reviewer, claim):
        return None  # the locked way reads it again and says why
    given = ledger.Given(DeedClaim, claim.pk, "y.state = %s", (ClaimState.SUBMITTED,))
    try:
        return ledger.one_transaction(
            lambda: _approve(claim, reviewer, timezone.now(), given=given), one_statement=True
        )
    except ledger.NotGiven:
        return None


@ledger.use_case()
def _claim_review_locked(*, reviewer, claim: DeedClaim, approve: bool, reason: str = "") -> DeedClaim:
    # Only the claim's row is locked: the claimant and the rule are read, so awards under one rule do
    # not queue behind each other.
    claim = ledger.row_locked(DeedClaim, claim.pk, _CLAIM_READ, _CLAIM_PARENTS)
    refusal = claim_can_review(reviewer, claim)
    if refusal:
        raise ClaimError(refusal)
    if not approve and not reason.strip():
        raise ClaimError(_("不通过时请写明原因，申报人会看到"))
    now = timezone.now()
    if not approve or claim.rule.reviews_needed(claim.points) > 1:
        return _review_on_its_own(reviewer, claim, approve, reason, now)
    done = _approve(claim, reviewer, now, reason=reason)
    if done is None:  # the award's key was used already (never in a consistent ledger): the long way
        return _review_on_its_own(reviewer, claim, approve, reason, now)
    return done


def _approve(claim: DeedClaim, reviewer, now, *, reason: str = "", given=None) -> DeedClaim | None:
    """The one approval needed: the review, the claim's new state and the notice ride in the award's
    ledger statement, written only where the award's transfer was; None when its key was used."""
    review = ledger.Row(
        Review,
        {
            "district_id": claim.district_id,
            "claim_id": claim.pk,
            "reviewer_id": reviewer.pk,
            "decision": "approve",
            "reason": reason.strip(),
            "created_at": now,
        },
        transfer=None,
    )
    on_notice = ledger.Row(DeedClaim, {"state": ClaimState.ON_NOTICE, "decided_at": now}, pk=claim.pk)
    ends_at = now + dt.timedelta(days=notice_days())
    notice = ledger.Row(
        Notice,
        {
            "district_id": claim.district_id,
            "community_id": claim.community_id,
            "kind": Notice.Kind.AWARD,
            "claim_id": claim.pk,
            "person_id": claim.claimant_id,
            "masked_name": claim.claimant.masked_name,
            "title": notice_title_for(rule=claim.rule, text=claim.text, text_public=claim.text_public),
            "points": claim.points,
            "starts_at": now,
            "ends_at": ends_at,
            "state": NoticeState.OPEN,
        },
    )
    award, (reviewed, _state, _notice) = _award(claim, reviewer, [review, on_notice, notice], given=given)
    if reviewed is None:
        return None
    claim.state, claim.transfer, claim.decided_at = ClaimState.ON_NOTICE, award, now
    return claim


def _award(claim: DeedClaim, reviewer, riding, given=None) -> tuple:
    return ledger.award_with(
        riding,
        given=given,
        wallet=ledger.wallet_id(claim.claimant),
        community=claim.community_id,
        district=claim.district_id,
        key=f"claim-{claim.pk}",
        amount=claim.points,
        reason=f"{claim.rule.name}：{claim.text[:60]}",
        operator=reviewer,
        cause=("bank.deedclaim", claim.pk),
        pending=True,
    )


def _review_on_its_own(reviewer, claim: DeedClaim, approve: bool, reason: str, now) -> DeedClaim:
    """A refusal, or an approval of a claim that needs two: the review first, then what it decides."""
    Review.objects.create(
        district_id=claim.district_id,
        claim=claim,
        reviewer=reviewer,
        decision="approve" if approve else "reject",
        reason=reason.strip(),
    )
    if not approve:
        claim.state, claim.reject_reason, claim.decided_at = ClaimState.REJECTED, reason.strip()[:200], now
        claim.save(update_fields=["state", "reject_reason", "decided_at"])
        return claim
    approvals = claim.reviews.filter(decision="approve").count()
    if approvals < claim.rule.reviews_needed(claim.points):
        claim.state = ClaimState.UNDER_REVIEW
        claim.save(update_fields=["state"])
        return claim
    award, _written = _award(claim, reviewer, [])
    claim.state, claim.transfer, claim.decided_at = ClaimState.ON_NOTICE, award, now
    claim.save(update_fields=["state", "transfer", "decided_at"])
    Notice.objects.create(
        district_id=claim.district_id,
        community_id=claim.community_id,
        kind=Notice.Kind.AWARD,
        claim=claim,
        transfer=award,
        person_id=claim.claimant_id,
        masked_name=claim.claimant.masked_name,
        title=notice_title_for(rule=claim.rule, text=claim.text, text_public=claim.text_public),
        points=claim.points,
        starts_at=now,
        ends_at=now + dt.timedelta(days=notice_days()),
    )
    return claim


def claims_review_bulk(*, reviewer, claims, approve: bool = True, reason: str = "") -> tuple[int, list[str]]:
    """Review many claims (the normal case after an activity); each on its own, refusals listed."""
    done, refused = 0, []
    for claim in claims:
        try:
            claim_review(reviewer=reviewer, claim=claim, approve=approve, reason=reason)
            done += 1
        except ClaimError as exc:
            refused.append(f"{claim.claimant.name}（#{claim.pk}）：{exc}")
    return done, refused
