"""Writes for organisations: registering one, and correcting what was registered."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit, snapshot
from jiceng.core.validators import validate_uscc
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Region


def _checked(*, district: Region, kind: str, name: str, uscc: str, party_level: str, sector: str, pk=None):
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
    if uscc and Organization.objects.filter(district=district, uscc=uscc).exclude(pk=pk).exists():
        raise ValidationError(_("统一社会信用代码 %(c)s 已登记，请勿重复录入") % {"c": uscc})
    return {
        "kind": kind,
        "name": name,
        "uscc": uscc,
        "party_level": party_level if kind == Kind.PARTY else "",
        "sector": sector if kind == Kind.NEW_SECTOR else "",
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
    parent: Organization | None = None,
    address: str = "",
    request=None,
) -> Organization:
    """Register an organisation under `region`; the credit code is checked against GB 32100."""
    district = Region.objects.get(code=region.district_code)
    fields = _checked(
        district=district, kind=kind, name=name, uscc=uscc, party_level=party_level, sector=sector
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
        pk=org.pk,
    )
    before = snapshot(org)
    for attr, value in {**fields, "region": region, "address": address}.items():
        setattr(org, attr, value)
    org.save()
    audit(actor, "organization.update", org, before=before, after=snapshot(org), request=request)
    return org
