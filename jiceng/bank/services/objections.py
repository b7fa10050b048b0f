"""Objections to an award on the public notice board.

Any resident of the district except the claimant (who withdraws instead) may object
while the notice runs, once per award while their objection is open. A community worker
of that community (never one whose own or whose household's award it is) upholds the
objection, which voids the award, or dismisses it; the reason is shown on the board.

Every write here takes the notice's row lock first, the lock `bank settle` decides
under, so an objection filed in time either keeps the award pending or, if settle
posted it in the same instant, is decided on a posted award: upholding it then
reverses the award through the ledger.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank import ledger
from jiceng.bank.errors import ClaimError
from jiceng.bank.models import (
    ClaimState,
    DeedClaim,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    TransferState,
)
from jiceng.core.audit import audit
from jiceng.core.scope import scope_for


def _claimant_of(notice: Notice):
    return notice.claim.claimant if notice.claim_id else None


@transaction.atomic
def objection_file(*, user, notice: Notice, reason: str) -> Objection:
    """Any resident of the district may object while the notice period runs.

    The time is taken before the lock: an objection sent in time that waited for `bank settle`
    to finish posting the award is still in time, and is decided on the posted award.
    """
    now = timezone.now()
    notice = Notice.objects.select_for_update(of=("self",)).select_related("claim").get(pk=notice.pk)
    person = user.person
    if person is None or person.district_id != notice.district_id:
        raise ClaimError(_("只有本区居民可以提出异议"))
    in_time = now < notice.ends_at and notice.state in (NoticeState.OPEN, NoticeState.SETTLED)
    if notice.kind != Notice.Kind.AWARD or not in_time:
        raise ClaimError(_("公示期已结束，不能再提出异议"))
    claimant = _claimant_of(notice)
    if claimant is not None and claimant.pk == person.pk:
        raise ClaimError(
            _("这是您本人的积分奖励，不能对自己提出异议。如果申报有误，请点“撤回申报”，积分不会入账。")
        )
    if Objection.objects.filter(notice=notice, objector=user, state=ObjectionState.OPEN).exists():
        raise ClaimError(
            _("您对这条公示已有一条异议在处理中，社区处理后会在公示栏公布结果；如需补充，请联系社区。")
        )
    if len(reason.strip()) < 4:
        raise ClaimError(_("请写明异议理由（至少 4 个字），社区会逐条核实"))
    return Objection.objects.create(
        district_id=notice.district_id, notice=notice, objector=user, reason=reason.strip()
    )


@ledger.use_case()
def notice_withdraw(*, user, notice: Notice) -> Notice:
    """The claimant takes back their own award while it is on notice: the held points are released."""
    notice = (
        Notice.objects.select_for_update(of=("self",)).select_related("claim", "transfer").get(pk=notice.pk)
    )
    claimant = _claimant_of(notice)
    if claimant is None or user.person is None or claimant.pk != user.person.pk:
        raise ClaimError(_("只有申报人本人可以撤回这条申报"))
    if notice.state != NoticeState.OPEN:
        raise ClaimError(_("这条公示已经结束（%(s)s），不能再撤回") % {"s": notice.get_state_display()})
    ledger.void(notice.transfer)
    notice.state = NoticeState.VOIDED
    notice.save(update_fields=["state"])
    DeedClaim.objects.filter(pk=notice.claim_id).update(state=ClaimState.VOIDED)
    Objection.objects.filter(notice=notice, state=ObjectionState.OPEN).update(
        state=ObjectionState.UPHELD,
        decision_reason=_("申报人已撤回申报，积分未入账")[:200],
        decided_at=timezone.now(),
    )
    audit(user, "notice.withdraw", notice, after={"claim": notice.claim_id})
    return notice


def _undo_award(*, reviewer, notice: Notice, objection: Objection) -> None:
    """Void the award while it is pending; reverse it through the ledger once it has been posted."""
    transfer = notice.transfer
    if transfer.state == TransferState.PENDING:
        ledger.void(transfer)
    elif transfer.state == TransferState.POSTED:
        try:
            ledger.reverse(
                transfer,
                key=f"objection-{objection.pk}-reverse",
                reason=_("异议成立，冲回已入账的奖励"),
                operator=reviewer,
            )
        except ledger.InsufficientPoints as exc:
            raise ClaimError(
                _(
                    "这笔奖励已经入账，居民已用掉了一部分积分（现可用 %(have)d 分，需冲回 %(need)d 分），"
                    "暂时无法冲回。异议仍为待处理：请与居民沟通，待其积分足够后再处理。"
                )
                % {"have": exc.available, "need": exc.needed}
            ) from exc
    notice.state = NoticeState.VOIDED
    notice.save(update_fields=["state"])
    if notice.claim_id:
        DeedClaim.objects.filter(pk=notice.claim_id).update(state=ClaimState.VOIDED)


@ledger.use_case()
def objection_decide(*, reviewer, objection: Objection, uphold: bool, reason: str) -> Objection:
    """Uphold (the award is voided, or reversed if already posted) or dismiss; the reason is shown on the board."""
    # The notice first, as objection_file and bank settle lock it, then the objection.
    notice = Notice.objects.select_for_update(of=("self",)).select_related("claim__claimant", "transfer")
    notice = notice.get(pk=objection.notice_id)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.state != ObjectionState.OPEN:
        raise ClaimError(_("这条异议已经处理过"))
    if not scope_for(reviewer).works_in(notice.community_id):
        raise ClaimError(_("只有该社区的工作人员可以处理异议"))
    me = reviewer.person
    claimant = _claimant_of(notice)
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
    if uphold and notice.state in (NoticeState.OPEN, NoticeState.SETTLED):
        _undo_award(reviewer=reviewer, notice=notice, objection=objection)
    audit(
        reviewer,
        "objection.uphold" if uphold else "objection.dismiss",
        objection,
        after={"reason": objection.decision_reason, "notice": notice.pk, "notice_state": notice.state},
    )
    return objection
