"""Objections to an award on the public notice board.

Any resident of the district may object while the notice runs. A community worker of
that community (never one whose own or whose household's award it is) upholds the
objection, which voids the award, or dismisses it; the reason is shown on the board.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank import ledger
from jiceng.bank.errors import ClaimError
from jiceng.bank.models import ClaimState, DeedClaim, Notice, NoticeState, Objection, ObjectionState
from jiceng.core.audit import audit
from jiceng.core.scope import scope_for


@transaction.atomic
def objection_file(*, user, notice: Notice, reason: str) -> Objection:
    """Any resident of the district may object while the notice period runs."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    person = user.person
    if person is None or person.district_id != notice.district_id:
        raise ClaimError(_("只有本区居民可以提出异议"))
    if (
        notice.kind != Notice.Kind.AWARD
        or notice.state != NoticeState.OPEN
        or timezone.now() >= notice.ends_at
    ):
        raise ClaimError(_("公示期已结束，不能再提出异议"))
    if len(reason.strip()) < 4:
        raise ClaimError(_("请写明异议理由（至少 4 个字），社区会逐条核实"))
    return Objection.objects.create(notice=notice, objector=user, reason=reason.strip())


@ledger.use_case()
def objection_decide(*, reviewer, objection: Objection, uphold: bool, reason: str) -> Objection:
    """Uphold (the award is voided) or dismiss; either way the reason is shown on the board."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("notice__claim__claimant")
        .get(pk=objection.pk)
    )
    if objection.state != ObjectionState.OPEN:
        raise ClaimError(_("这条异议已经处理过"))
    notice = objection.notice
    if not scope_for(reviewer).works_in(notice.community_id):
        raise ClaimError(_("只有该社区的工作人员可以处理异议"))
    me = reviewer.person
    claimant = notice.claim.claimant if notice.claim else None
    if (
        me
        and claimant
        and (me.pk == claimant.pk or (me.household_id and me.household_id == claimant.household_id))
    ):
        raise ClaimError(_("不能处理涉及自己或本户家庭成员的异议"))
    if not reason.strip():
        raise ClaimError(_("请写明处理意见，公示栏会显示"))
    now = timezone.now()
    objection.state = ObjectionState.UPHELD if uphold else ObjectionState.DISMISSED
    objection.decided_by, objection.decision_reason, objection.decided_at = (
        reviewer,
        reason.strip()[:200],
        now,
    )
    objection.save()
    if uphold and notice.state == NoticeState.OPEN:
        ledger.void(notice.transfer)
        notice.state = NoticeState.VOIDED
        notice.save(update_fields=["state"])
        if notice.claim:
            DeedClaim.objects.filter(pk=notice.claim_id).update(state=ClaimState.VOIDED)
    audit(
        reviewer,
        "objection.uphold" if uphold else "objection.dismiss",
        objection,
        after={"reason": objection.decision_reason, "notice": notice.pk},
    )
    return objection
