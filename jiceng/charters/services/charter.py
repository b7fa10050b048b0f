"""Recording a version of a charter or convention adopted by a residents' meeting."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.charters.errors import CharterError
from jiceng.charters.models import Charter, CharterKind
from jiceng.core.audit import audit, snapshot
from jiceng.regions.models import Level, Region


@transaction.atomic
def charter_adopt(
    *,
    community: Region,
    kind: str,
    title: str,
    body: str,
    adopted_on: dt.date,
    attendance: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    actor,
) -> Charter:
    """Record the next version of a community's charter or convention.

    A residents' meeting adopts it when more than half of those present vote for it.
    """
    if community.level != Level.COMMUNITY:
        raise CharterError(_("章程和公约由社区居民会议通过，请选择社区。"))
    if kind not in CharterKind.values:
        raise CharterError(_("请选择居民自治章程或社区公约。"))
    if not title.strip() or not body.strip():
        raise CharterError(_("请填写标题和全文。"))
    if adopted_on > timezone.localdate():
        raise CharterError(_("居民会议日期不能晚于今天。"))
    if min(attendance, votes_for, votes_against, votes_abstain) < 0:
        raise CharterError(_("人数和票数不能是负数。"))
    if votes_for + votes_against + votes_abstain > attendance:
        raise CharterError(_("赞成、反对、弃权票数合计不能超过到会人数。"))
    if votes_for * 2 <= attendance:
        raise CharterError(_("赞成票未超过到会人数的一半，居民会议没有通过，不能登记。"))
    # Lock the community's row so two adoptions at once cannot take the same version number.
    Region.objects.select_for_update().filter(pk=community.pk).first()
    latest = Charter.objects.filter(community=community, kind=kind).aggregate(v=Max("version"))["v"] or 0
    charter = Charter.objects.create(
        community=community,
        kind=kind,
        version=latest + 1,
        title=title.strip(),
        body=body.strip(),
        adopted_on=adopted_on,
        attendance=attendance,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        recorded_by=actor,
    )
    audit(actor, "charters.adopt", charter, after=snapshot(charter))
    return charter
