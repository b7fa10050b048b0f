"""Writes for organisations: registering one, and correcting what was registered."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit, snapshot
from jiceng.core.validators import validate_uscc
from jiceng.orgs.models import Incubation, Kind, Organization, RegistrationType
from jiceng.regions.models import Region


def _checked(
    *,
    district: Region,
    kind: str,
    name: str,
    uscc: str,
    party_level: str,
    sector: str,
    registration_type: str = "",
    registered_on=None,
    incubation: str = "",
    pk=None,
):
    """The fields as stored, or a ValidationError saying what to fix."""
    name = name.strip()
    if not name:
        raise ValidationError(_("请填写组织名称"))
    if uscc:
        uscc = validate_uscc(uscc)
    if kind == Kind.PARTY and not party_level:
        raise ValidationError(_("党组织需要选择层级（党工委/党委/党总支/党支部）"))
    if kind == Kind.NEW_SECTOR and not sector:
        raise ValidationError(_("新兴领域组织需要选择类别（商务楼宇/园区/商圈市场）"))
    if kind == Kind.SOCIAL:
        if registration_type not in RegistrationType.values:
            raise ValidationError(
                _("社会组织需要选择登记类型（社会团体/民办非企业单位/基金会/社区社会组织备案）")
            )
        if registration_type != RegistrationType.COMMUNITY_FILED and not uscc:
            raise ValidationError(_("登记注册的社会组织需要填写统一社会信用代码；仅社区社会组织备案可不填"))
        if registered_on is None:
            raise ValidationError(_("请填写社会组织的登记（备案）日期"))
        if registered_on > timezone.localdate():
            raise ValidationError(_("登记日期不能晚于今天"))
    if uscc and Organization.objects.filter(district=district, uscc=uscc).exclude(pk=pk).exists():
        raise ValidationError(_("统一社会信用代码 %(c)s 已登记，请勿重复录入") % {"c": uscc})
    return {
        "kind": kind,
        "name": name,
        "uscc": uscc,
        "party_level": party_level if kind == Kind.PARTY else "",
        "sector": sector if kind == Kind.NEW_SECTOR else "",
        "registration_type": registration_type if kind == Kind.SOCIAL else "",
        "registered_on": registered_on if kind == Kind.SOCIAL else None,
        "incubation": (incubation or Incubation.NONE) if kind == Kind.SOCIAL else "",
    }


@transaction.atomic
def organization_create(
    *,
    actor,
    region: Region,
    kind: str,
    name: str,
    uscc: str = "",
    party_level: str = "",
    sector: str = "",
    registration_type: str = "",
    registered_on=None,
    incubation: str = "",
    parent: Organization | None = None,
    address: str = "",
    request=None,
) -> Organization:
    """Register an organisation under `region`; the credit code is checked against GB 32100."""
    district = Region.objects.get(code=region.district_code)
    fields = _checked(
        district=district,
        kind=kind,
        name=name,
        uscc=uscc,
        party_level=party_level,
        sector=sector,
        registration_type=registration_type,
        registered_on=registered_on,
        incubation=incubation,
    )
    org = Organization.objects.create(
        district=district, region=region, parent=parent, address=address, **fields
    )
    audit(actor, "organization.create", org, after=snapshot(org), request=request)
    return org


@transaction.atomic
def organization_update(
    *,
    actor,
    organization: Organization,
    region: Region,
    kind: str,
    name: str,
    uscc: str = "",
    party_level: str = "",
    sector: str = "",
    registration_type: str = "",
    registered_on=None,
    incubation: str = "",
    address: str = "",
    request=None,
) -> Organization:
    """Correct a registered organisation; the same checks as registering it, the change audited."""
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    if region.district_code != org.district.code:
        raise ValidationError(_("组织只能改到本区内的区划"))
    fields = _checked(
        district=org.district,
        kind=kind,
        name=name,
        uscc=uscc,
        party_level=party_level,
        sector=sector,
        registration_type=registration_type,
        registered_on=registered_on,
        incubation=incubation,
        pk=org.pk,
    )
    before = snapshot(org)
    for attr, value in {**fields, "region": region, "address": address}.items():
        setattr(org, attr, value)
    org.save()
    audit(actor, "organization.update", org, before=before, after=snapshot(org), request=request)
    return org
