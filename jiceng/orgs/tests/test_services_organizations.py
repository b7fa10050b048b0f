import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from jiceng.core.models import AuditLog
from jiceng.core.validators import uscc_check_char
from jiceng.orgs.models import Kind, Organization, PartyLevel
from jiceng.orgs.services import organization_create, organization_update

GOOD = "91350100M000100Y43"
OTHER = "91510107MA6C0000" + "1"
OTHER += uscc_check_char(OTHER)


def create(regions, actor=None, **kw):
    fields = {"region": regions["A1"], "kind": Kind.UNIT, "name": "锦江示范公司"} | kw
    return organization_create(actor=actor, **fields)


def test_it_registers_an_organisation_in_the_regions_district(personas, regions):
    org = create(regions, personas["sub_admin"], uscc=GOOD.lower(), name="  锦江示范公司 ")
    assert org.district == regions["district"] and org.region == regions["A1"]
    assert org.uscc == GOOD and org.name == "锦江示范公司"
    log = AuditLog.objects.get(action="organization.create")
    assert log.actor == personas["sub_admin"] and log.after["uscc"] == GOOD


def test_it_refuses_a_wrong_check_digit_in_chinese(regions):
    with pytest.raises(ValidationError) as exc:
        create(regions, uscc=GOOD[:-1] + "4")
    assert "统一社会信用代码校验位错误，请核对后重新输入" in exc.value.messages
    assert not Organization.objects.filter(name="锦江示范公司").exists()


def test_it_refuses_a_credit_code_registered_twice_in_the_district(regions):
    create(regions, uscc=GOOD)
    with pytest.raises(ValidationError, match="已登记，请勿重复录入"):
        create(regions, uscc=GOOD, name="另一家公司", region=regions["B1"])


@pytest.mark.parametrize(
    "kind,reason", [(Kind.PARTY, "党组织需要选择层级"), (Kind.NEW_SECTOR, "新兴领域组织需要选择类别")]
)
def test_it_asks_for_the_level_or_sector_its_kind_needs(regions, kind, reason):
    with pytest.raises(ValidationError, match=reason):
        create(regions, kind=kind)


def test_it_keeps_the_party_level_only_for_party_organisations(regions):
    org = create(regions, party_level=PartyLevel.BRANCH)
    assert org.party_level == ""
    branch = create(regions, kind=Kind.PARTY, party_level=PartyLevel.BRANCH, name="示范党支部")
    assert branch.party_level == PartyLevel.BRANCH


def test_it_corrects_an_organisation_and_audits_the_change(personas, regions):
    org = create(regions, uscc=GOOD)
    organization_update(
        actor=personas["sub_admin"],
        organization=org,
        region=regions["A2"],
        kind=Kind.SOCIAL,
        name="锦江示范协会",
        uscc=GOOD,  # its own code is not a duplicate
        registration_type="social_group",  # a social organisation says how it is registered
        registered_on=dt.date(2020, 1, 1),
        address="一号路 1 号",
    )
    org.refresh_from_db()
    assert (org.region, org.kind, org.name, org.address) == (
        regions["A2"],
        Kind.SOCIAL,
        "锦江示范协会",
        "一号路 1 号",
    )
    log = AuditLog.objects.get(action="organization.update")
    assert log.before["name"] == "锦江示范公司" and log.after["name"] == "锦江示范协会"


def test_a_correction_gets_the_same_checks(regions):
    org = create(regions, uscc=GOOD)
    create(regions, uscc=OTHER, name="另一家公司")
    fields = {"actor": None, "organization": org, "region": regions["A1"], "kind": Kind.UNIT, "name": "新名"}
    with pytest.raises(ValidationError, match="校验位错误"):
        organization_update(**fields, uscc=OTHER[:-1] + ("0" if OTHER[-1] != "0" else "1"))
    with pytest.raises(ValidationError, match="已登记，请勿重复录入"):
        organization_update(**fields, uscc=OTHER)
    with pytest.raises(ValidationError, match="请填写组织名称"):
        organization_update(**(fields | {"name": " "}), uscc=GOOD)
    org.refresh_from_db()
    assert org.name == "锦江示范公司" and org.uscc == GOOD
