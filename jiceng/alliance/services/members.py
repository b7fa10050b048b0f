"""Writes of the alliance itself: creating one, members joining and leaving, the rotating chair."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import Alliance, AllianceLevel, AllianceMember, ChairTerm, MemberKind
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region


def _member_kind(org: Organization) -> str:
    if org.kind == Kind.PARTY and org.region.level == Level.COMMUNITY:
        return MemberKind.COMMUNITY
    if org.kind == Kind.UNIT:
        return MemberKind.UNIT
    if org.kind == Kind.NEW_SECTOR:
        return MemberKind.NEW_SECTOR
    return MemberKind.OTHER


LEVELS = {
    Level.COMMUNITY: AllianceLevel.COMMUNITY,
    Level.SUBDISTRICT: AllianceLevel.SUBDISTRICT,
    Level.DISTRICT: AllianceLevel.DISTRICT,
}


@transaction.atomic
def alliance_create(*, region: Region, actor, name: str = "", default_place: str = "") -> Alliance:
    """Found the alliance of a community, a subdistrict or the whole district (one per region)."""
    if region.level not in LEVELS:
        raise AllianceError(_("党建联盟只能建在社区、街道或区一级，请选择社区、街道或区。"))
    if Alliance.objects.filter(region=region).exists():
        raise AllianceError(_("%(r)s 已经有党建联盟了，请直接进入该联盟。") % {"r": region.name})
    level = LEVELS[region.level]
    alliance = Alliance.objects.create(
        district=Region.objects.get(code=region.district_code),
        region=region,
        level=level,
        name=name.strip() or _("%(r)s区域党建工作联盟") % {"r": region.name},
        default_place=default_place.strip(),
    )
    audit(actor, "alliance.create", alliance, after=snapshot(alliance))
    return alliance


@transaction.atomic
def member_join(
    *,
    alliance: Alliance,
    organization: Organization,
    joined_on: dt.date,
    actor,
    contact_name: str = "",
    contact_phone: str = "",
) -> AllianceMember:
    """Admit an organisation located inside the alliance's region."""
    if not organization.is_active:
        raise AllianceError(_("“%(o)s”已注销，不能加入联盟。") % {"o": organization.name})
    if organization.district_id != alliance.district_id or not alliance.region.contains(organization.region):
        raise AllianceError(
            _("“%(o)s”不在%(r)s范围内，只能加入所在地的党建联盟。")
            % {"o": organization.name, "r": alliance.region.name}
        )
    if AllianceMember.objects.filter(
        alliance=alliance, organization=organization, left_on__isnull=True
    ).exists():
        raise AllianceError(_("“%(o)s”已经是联盟成员。") % {"o": organization.name})
    member = AllianceMember.objects.create(
        alliance=alliance,
        organization=organization,
        kind=_member_kind(organization),
        joined_on=joined_on,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
    )
    audit(actor, "alliance.member_join", member, after=snapshot(member))
    return member


@transaction.atomic
def member_leave(*, member: AllianceMember, left_on: dt.date, actor) -> AllianceMember:
    """Record that a member left; its history (invitations, chair terms) stays."""
    member = AllianceMember.objects.select_for_update().get(pk=member.pk)
    if member.left_on is not None:
        raise AllianceError(_("该单位已于 %(d)s 退出联盟。") % {"d": member.left_on})
    if left_on < member.joined_on:
        raise AllianceError(_("退出日期不能早于加入日期（%(d)s）。") % {"d": member.joined_on})
    term = member.chair_terms.filter(ends_on__gt=left_on).order_by("starts_on").first()
    if term is not None:
        raise AllianceError(
            _("该单位是 %(a)s 至 %(b)s 的轮值主席单位，请先调整轮值安排再办理退出。")
            % {"a": term.starts_on, "b": term.ends_on}
        )
    before = snapshot(member)
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    audit(actor, "alliance.member_leave", member, before=before, after=snapshot(member))
    return member


@transaction.atomic
def chair_set(
    *, alliance: Alliance, member: AllianceMember, starts_on: dt.date, ends_on: dt.date, actor
) -> ChairTerm:
    """Give one member the rotating chair for a period that overlaps no other period."""
    if member.alliance_id != alliance.pk:
        raise AllianceError(_("轮值主席单位必须是本联盟的成员。"))
    if ends_on < starts_on:
        raise AllianceError(_("结束日期不能早于开始日期。"))
    if member.joined_on > starts_on or (member.left_on is not None and member.left_on < ends_on):
        raise AllianceError(_("该单位在这段时间内不全是联盟成员，请调整轮值期。"))
    # Lock the alliance so two chairs for the same period cannot be set at once.
    Alliance.objects.select_for_update().get(pk=alliance.pk)
    clash = (
        alliance.chair_terms.filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .select_related("member__organization")
        .first()
    )
    if clash is not None:
        raise AllianceError(
            _("与已有轮值期重叠：%(o)s（%(a)s 至 %(b)s）。")
            % {"o": clash.member.organization.name, "a": clash.starts_on, "b": clash.ends_on}
        )
    term = ChairTerm.objects.create(alliance=alliance, member=member, starts_on=starts_on, ends_on=ends_on)
    audit(actor, "alliance.chair_set", term, after=snapshot(term))
    return term
