"""Passing points on (善行传递): donations, the community love pool, and residents in need.

A resident gives points to their community's love pool or to a resident in need
whom the community has named. Community workers pass love-pool points on to a
resident with a reason, and every such disbursement goes on the community's notice
board (masked name), because trust is the product.
"""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank import ledger
from jiceng.bank.errors import GivingError
from jiceng.bank.models import Donation, Notice, NoticeState, PersonInNeed, TransferKind
from jiceng.bank.services.rewards import request_key
from jiceng.core.audit import audit, snapshot
from jiceng.core.scope import scope_for


def _points(points) -> int:
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise GivingError(_("积分必须是大于 0 的整数"))
    return points


def _require_worker(user, community) -> None:
    # The worker's own grant, not any region the user holds (a worker may also be a resident elsewhere).
    if not scope_for(user).works_in(community):
        raise GivingError(_("只有本社区的社区工作者才能办理"))


def _donation_made(*, person, request_id: str, **_fields) -> Donation | None:
    key = request_key("donate", person.pk, request_id)
    return Donation.objects.filter(
        donor=person, transfer__district_id=person.district_id, transfer__key=key
    ).first()


# One statement writes the transfer and the donation: on PostgreSQL it is the whole transaction.
@ledger.use_case(replay=_donation_made, one_statement=True)
def donation_create(
    *, person, points, request_id: str, recipient: PersonInNeed | None = None, message: str = ""
) -> Donation:
    """Give points to the community love pool, or to a named resident in need; posted at once.

    Replaying `request_id` (a form sent twice, or sent by two taps at once) returns the first donation.
    """
    key = request_key("donate", person.pk, request_id)
    points = _points(points)
    if recipient is not None:
        recipient = PersonInNeed.objects.select_related("person").get(pk=recipient.pk)
        if not recipient.is_active or recipient.community_id != person.community_id:
            raise GivingError(_("这位居民已不在本社区的帮扶名单上，请刷新页面后重新选择"))
        if recipient.person_id == person.pk:
            raise GivingError(_("不能把积分捐给自己"))
        credit = ledger.wallet_id(recipient.person)
        # Fixed once it is in the public log, and read by both sides: it names giver and receiver.
        reason = _("善行传递：%(d)s 赠予 %(r)s 的爱心积分") % {
            "d": person.masked_name,
            "r": recipient.person.masked_name,
        }
        community_id = recipient.community_id
    else:
        credit = ledger.love_pool_id(person.community)
        reason = _("善行传递：捐入%(c)s爱心池") % {"c": person.community.name}
        community_id = person.community_id
    message, now = message.strip()[:100], timezone.now()
    # The donation rides in the ledger's statement: written only where the transfer was.
    row = ledger.Row(
        Donation,
        {
            "district_id": person.district_id,
            "donor_id": person.pk,
            "community_id": community_id,
            "recipient_id": None if recipient is None else recipient.pk,
            "points": points,
            "message": message,
            "created_at": now,
        },
    )
    try:
        t, ((pk,),) = ledger.transfer_with(
            [row],
            district=person.district_id,
            key=key,
            debit=ledger.wallet_id(person),
            credit=credit,
            amount=points,
            kind=TransferKind.DONATION,
            reason=reason,
            cause_type="bank.donation",
        )
    except ledger.InsufficientPoints as exc:
        raise GivingError(
            _("积分不够：您现在可用 %(have)d 分，最多可以捐 %(have)d 分") % {"have": exc.available}
        ) from None
    return Donation(
        id=pk,
        district_id=person.district_id,
        donor=person,
        community_id=community_id,
        recipient=recipient,
        points=points,
        message=message,
        transfer=t,
        created_at=now,
    )


def _disbursement_made(*, community, person, request_id: str, **_fields) -> Notice | None:
    key = request_key("disburse", community.pk, request_id)
    return Notice.objects.filter(
        community=community, transfer__district_id=person.district_id, transfer__key=key
    ).first()


@ledger.use_case(replay=_disbursement_made)
def disbursement_create(*, user, community, person, points, reason: str, request_id: str) -> Notice:
    """A community worker passes love-pool points on to a resident; the notice board shows it."""
    _require_worker(user, community)
    key = request_key("disburse", community.pk, request_id)
    points = _points(points)
    if person.community_id != community.pk:
        raise GivingError(_("只能发放给本社区的居民"))
    if not reason.strip():
        raise GivingError(_("请写明发放原因，它会在公示栏公开"))
    try:
        t = ledger.transfer(
            district=person.district_id,
            key=key,
            debit=ledger.love_pool_id(community),
            credit=ledger.wallet_id(person),
            amount=points,
            kind=TransferKind.DISBURSEMENT,
            reason=_("爱心池发放：%(r)s") % {"r": reason.strip()},
            operator_id=user.pk,
            cause_type="bank.love_pool",
            cause_id=str(community.pk),
        )
    except ledger.InsufficientPoints as exc:
        raise GivingError(
            _("爱心池积分不够：现有可用 %(have)d 分，本次要发放 %(need)d 分")
            % {"have": exc.available, "need": points}
        ) from None
    now = timezone.now()
    notice = Notice.objects.create(
        district_id=person.district_id,
        community=community,
        kind=Notice.Kind.DISBURSEMENT,
        state=NoticeState.INFO,
        transfer=t,
        person=person,
        masked_name=person.masked_name,
        title=reason.strip()[:200],
        points=points,
        starts_at=now,
        ends_at=now + dt.timedelta(days=settings.NOTICE_DAYS),
    )
    audit(user, "bank.disburse", notice, after=snapshot(notice))
    return notice


@transaction.atomic
def person_in_need_name(*, user, community, person, reason: str, request=None) -> PersonInNeed:
    """A community worker names a resident whom others may pass points on to."""
    _require_worker(user, community)
    if person.community_id != community.pk:
        raise GivingError(_("只能登记本社区的居民"))
    if not reason.strip():
        raise GivingError(_("请写明需要帮助的原因（居民捐赠时能看到）"))
    if PersonInNeed.objects.filter(person=person, is_active=True).exists():
        raise GivingError(_("%(n)s 已经在帮扶名单上了") % {"n": person.name})
    need = PersonInNeed.objects.create(
        district_id=person.district_id,
        community=community,
        person=person,
        reason=reason.strip()[:200],
        named_by=user,
    )
    audit(user, "bank.need_name", need, after=snapshot(need), request=request)
    return need


@transaction.atomic
def person_in_need_end(*, user, need: PersonInNeed, request=None) -> PersonInNeed:
    """Take a resident off the list; donations already made stay theirs."""
    need = PersonInNeed.objects.select_for_update().select_related("community").get(pk=need.pk)
    _require_worker(user, need.community)
    if not need.is_active:
        return need
    before = snapshot(need)
    need.is_active = False
    need.save(update_fields=["is_active"])
    audit(user, "bank.need_end", need, before=before, after=snapshot(need), request=request)
    return need
