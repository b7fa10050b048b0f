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
from jiceng.bank.models import ClaimState, DeedClaim, Notice, Review
from jiceng.bank.queries.claims import claim_can_review
from jiceng.bank.queries.notices import notice_days, notice_title_for


@ledger.use_case()
def claim_review(*, reviewer, claim: DeedClaim, approve: bool, reason: str = "") -> DeedClaim:
    """Record one review; the last needed approval puts the award on notice as pending points."""
    claim = DeedClaim.objects.select_for_update().select_related("claimant", "rule").get(pk=claim.pk)
    refusal = claim_can_review(reviewer, claim)
    if refusal:
        raise ClaimError(refusal)
    if not approve and not reason.strip():
        raise ClaimError(_("不通过时请写明原因，申报人会看到"))
    Review.objects.create(
        claim=claim, reviewer=reviewer, decision="approve" if approve else "reject", reason=reason.strip()
    )
    now = timezone.now()
    if not approve:
        claim.state, claim.reject_reason, claim.decided_at = ClaimState.REJECTED, reason.strip()[:200], now
        claim.save(update_fields=["state", "reject_reason", "decided_at"])
        return claim
    approvals = claim.reviews.filter(decision="approve").count()
    if approvals < claim.rule.reviews_needed(claim.points):
        claim.state = ClaimState.UNDER_REVIEW
        claim.save(update_fields=["state"])
        return claim
    award = ledger.award(
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
    claim.state, claim.transfer, claim.decided_at = ClaimState.ON_NOTICE, award, now
    claim.save(update_fields=["state", "transfer", "decided_at"])
    Notice.objects.create(
        district_id=claim.district_id,
        community_id=claim.community_id,
        kind=Notice.Kind.AWARD,
        claim=claim,
        transfer=award,
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
