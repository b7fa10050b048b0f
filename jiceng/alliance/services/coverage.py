"""Writes of new-sector coverage: a party organisation founded, ended, and its members counted."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import BranchState, SectorBranch
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Kind, Organization


@transaction.atomic
def sector_branch_found(
    *,
    sector_org: Organization,
    name: str,
    founded_on: dt.date,
    actor,
    member_count: int = 0,
    party_org: Organization | None = None,
) -> SectorBranch:
    """Record that a party organisation was founded in an office building, park or market."""
    if sector_org.kind != Kind.NEW_SECTOR:
        raise AllianceError(_("只有商务楼宇、园区和商圈市场才记录新兴领域党组织。"))
    Organization.objects.select_for_update().get(pk=sector_org.pk)
    if SectorBranch.objects.filter(sector_org=sector_org, state=BranchState.ACTIVE).exists():
        raise AllianceError(
            _("“%(o)s”已有正常运转的党组织；如已撤销或停止活动，请先登记。") % {"o": sector_org.name}
        )
    if founded_on > timezone.localdate():
        raise AllianceError(_("成立日期不能晚于今天。"))
    last = SectorBranch.objects.filter(sector_org=sector_org).order_by("-ended_on").first()
    if last is not None and last.ended_on and founded_on < last.ended_on:
        raise AllianceError(_("成立日期不能早于上一个党组织停止的日期（%(d)s）。") % {"d": last.ended_on})
    if member_count < 0:
        raise AllianceError(_("党员人数不能是负数。"))
    if not name.strip():
        raise AllianceError(_("请填写党组织名称。"))
    branch = SectorBranch.objects.create(
        district_id=sector_org.district_id,
        sector_org=sector_org,
        party_org=party_org,
        name=name.strip(),
        founded_on=founded_on,
        member_count=member_count,
    )
    audit(actor, "alliance.sector_branch_found", branch, after=snapshot(branch))
    return branch


@transaction.atomic
def sector_branch_end(
    *, branch: SectorBranch, state: str, ended_on: dt.date, actor, note: str = ""
) -> SectorBranch:
    """Record that a new-sector party organisation was dissolved or stopped meeting."""
    branch = SectorBranch.objects.select_for_update().get(pk=branch.pk)
    if branch.state != BranchState.ACTIVE:
        raise AllianceError(_("该党组织已登记为“%(s)s”。") % {"s": branch.get_state_display()})
    if state not in (BranchState.INACTIVE, BranchState.DISSOLVED):
        raise AllianceError(_("请选择：停止活动或已撤销。"))
    if ended_on < branch.founded_on or ended_on > timezone.localdate():
        raise AllianceError(_("日期要在成立日期（%(d)s）和今天之间。") % {"d": branch.founded_on})
    before = snapshot(branch)
    branch.state = state
    branch.ended_on = ended_on
    branch.note = note.strip()[:200]
    branch.save(update_fields=["state", "ended_on", "note"])
    audit(actor, "alliance.sector_branch_end", branch, before=before, after=snapshot(branch))
    return branch


@transaction.atomic
def sector_branch_set_members(*, branch: SectorBranch, member_count: int, actor) -> SectorBranch:
    if member_count < 0:
        raise AllianceError(_("党员人数不能是负数。"))
    before = snapshot(branch)
    branch.member_count = member_count
    branch.save(update_fields=["member_count"])
    audit(actor, "alliance.sector_branch_members", branch, before=before, after=snapshot(branch))
    return branch
