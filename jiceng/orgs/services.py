"""Writes for organisations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit, snapshot
from jiceng.core.validators import validate_uscc
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Region


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
    name = name.strip()
    if not name:
        raise ValidationError(_("请填写组织名称"))
    if uscc:
        uscc = validate_uscc(uscc)
    if kind == Kind.PARTY and not party_level:
        raise ValidationError(_("党组织需要选择层级（党工委/党委/党总支/党支部）"))
    if kind == Kind.NEW_SECTOR and not sector:
        raise ValidationError(_("新兴领域组织需要选择类别（商务楼宇/园区/商圈市场）"))
    district = Region.objects.get(code=region.district_code)
    if uscc and Organization.objects.filter(district=district, uscc=uscc).exists():
        raise ValidationError(_("统一社会信用代码 %(c)s 已登记，请勿重复录入") % {"c": uscc})
    org = Organization.objects.create(
        district=district,
        region=region,
        kind=kind,
        name=name,
        uscc=uscc,
        party_level=party_level if kind == Kind.PARTY else "",
        sector=sector if kind == Kind.NEW_SECTOR else "",
        parent=parent,
        address=address,
    )
    audit(actor, "organization.create", org, after=snapshot(org), request=request)
    return org
