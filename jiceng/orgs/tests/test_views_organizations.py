import pytest
from django.urls import reverse

from jiceng.orgs.models import Kind, Organization

GOOD = "91350100M000100Y43"


def post_data(regions, **kw):
    return {"name": "锦江示范公司", "kind": Kind.UNIT, "region": regions["A1"].code, "uscc": GOOD} | kw


def test_it_lists_the_organisations_under_the_users_region(client, personas):
    client.force_login(personas["sub_admin"])
    page = client.get(reverse("orgs:list")).content.decode()
    assert "示范单位" in page and "外部单位" not in page
    client.force_login(personas["district_admin"])
    page = client.get(reverse("orgs:list")).content.decode()
    assert "示范单位" in page and "外部单位" in page


def test_it_filters_the_list_by_kind(client, personas):
    client.force_login(personas["district_admin"])
    assert "示范单位" not in client.get(reverse("orgs:list"), {"kind": Kind.PARTY}).content.decode()
    assert "示范单位" in client.get(reverse("orgs:list"), {"kind": Kind.UNIT}).content.decode()


@pytest.mark.parametrize("persona", ["worker", "resident", "unit", "outsider"])
@pytest.mark.parametrize("name", ["orgs:list", "orgs:create"])
def test_the_pages_are_not_found_for_anyone_but_admins(client, personas, persona, name):
    client.force_login(personas[persona])
    assert client.get(reverse(name)).status_code == 404


def test_it_registers_an_organisation(client, personas, regions):
    client.force_login(personas["sub_admin"])
    response = client.post(reverse("orgs:create"), post_data(regions))
    assert response.status_code == 302 and response.url == reverse("orgs:list")
    assert Organization.objects.get(uscc=GOOD).region == regions["A1"]


def test_it_shows_a_wrong_check_digit_on_the_field(client, personas, regions):
    client.force_login(personas["sub_admin"])
    response = client.post(reverse("orgs:create"), post_data(regions, uscc=GOOD[:-1] + "4"))
    assert response.status_code == 200
    assert "统一社会信用代码校验位错误，请核对后重新输入" in response.content.decode()
    assert not Organization.objects.filter(name="锦江示范公司").exists()


def test_it_offers_only_regions_in_scope(client, personas, regions):
    client.force_login(personas["sub_admin"])
    response = client.post(reverse("orgs:create"), post_data(regions, region=regions["B1"].code))
    assert response.status_code == 200
    assert not Organization.objects.filter(name="锦江示范公司").exists()


def test_it_corrects_an_organisation_in_scope(client, personas, regions):
    org = Organization.objects.get(name="示范单位")
    client.force_login(personas["sub_admin"])
    form = client.get(reverse("orgs:edit", args=[org.pk])).content.decode()
    assert 'value="示范单位"' in form
    response = client.post(reverse("orgs:edit", args=[org.pk]), post_data(regions, name="示范单位（更名）"))
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.name == "示范单位（更名）" and org.uscc == GOOD


def test_a_correction_shows_a_wrong_check_digit(client, personas, regions):
    org = Organization.objects.get(name="示范单位")
    client.force_login(personas["sub_admin"])
    response = client.post(reverse("orgs:edit", args=[org.pk]), post_data(regions, uscc="91350100M000100Y4"))
    assert (
        response.status_code == 200
        and "统一社会信用代码应为 18 位，当前为 17 位" in response.content.decode()
    )
    org.refresh_from_db()
    assert org.uscc == ""


@pytest.mark.parametrize("persona", ["outsider_sub_admin", "worker", "unit", "resident"])
def test_an_outsider_cannot_even_see_the_organisation(client, personas, regions, persona):
    org = Organization.objects.get(name="示范单位")
    client.force_login(personas[persona])
    url = reverse("orgs:edit", args=[org.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, post_data(regions, region=regions["B1"].code)).status_code == 404
    org.refresh_from_db()
    assert org.name == "示范单位"


def test_it_registers_a_social_organisation_with_its_registration(client, personas, regions):
    client.force_login(personas["sub_admin"])
    data = post_data(
        regions,
        name="乐龄社工服务中心",
        kind=Kind.SOCIAL,
        registration_type="private_nonprofit",
        registered_on="2021-06-01",
        incubation="incubating",
    )
    assert client.post(reverse("orgs:create"), data).status_code == 302
    org = Organization.objects.get(name="乐龄社工服务中心")
    assert (org.registration_type, org.incubation, str(org.registered_on)) == (
        "private_nonprofit",
        "incubating",
        "2021-06-01",
    )
    page = client.get(reverse("orgs:list"), {"kind": Kind.SOCIAL}).content.decode()
    assert "乐龄社工服务中心" in page and "民办非企业单位" in page and "孵化中" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_type": ""}, "登记类型"),
        ({"registered_on": ""}, "登记（备案）日期"),
        ({"uscc": ""}, "统一社会信用代码"),
        ({"uscc": "91350100M000100Y44"}, "校验位"),
        ({"registered_on": "2999-01-01"}, "不能晚于今天"),
    ],
)
def test_a_social_organisation_is_refused_without_what_registration_needs(
    client, personas, regions, fields, message
):
    client.force_login(personas["sub_admin"])
    data = post_data(
        regions,
        name="青少年成长促进会",
        kind=Kind.SOCIAL,
        registration_type="social_group",
        registered_on="2020-01-01",
    )
    page = client.post(reverse("orgs:create"), data | fields)
    assert page.status_code == 200 and message in page.content.decode()
    assert not Organization.objects.filter(name="青少年成长促进会").exists()


def test_a_community_filed_group_needs_no_credit_code(client, personas, regions):
    client.force_login(personas["sub_admin"])
    data = post_data(
        regions,
        name="楼栋志愿者协会",
        kind=Kind.SOCIAL,
        uscc="",
        registration_type="community_filed",
        registered_on="2024-03-01",
    )
    assert client.post(reverse("orgs:create"), data).status_code == 302
    assert Organization.objects.get(name="楼栋志愿者协会").uscc == ""
