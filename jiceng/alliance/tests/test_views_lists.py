"""Pages of the three lists: a resident asks for help and rates, staff pair needs with resources, units offer resources."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.models import Resource
from jiceng.alliance.tests.factories import get, org, post, resource
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_resident_asks_for_help_and_rates_the_result(client, personas, regions):
    resident = personas["resident"]
    client.force_login(resident)
    response = client.post(
        reverse("alliance:my_needs"), {"title": "楼道灯坏了", "category": "safety", "urgency": "soon"}
    )
    assert response.status_code == 302
    a_need = resident.person.needs.get()
    assert a_need.community == regions["A1"] and a_need.source == "resident"
    res = resource(org(regions["A1"], "电力公司"), regions["A1"], personas["worker"], category="safety")
    project = services.project_create(
        need=a_need,
        resources=[res],
        title="修灯",
        owner=res.organization,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        actor=personas["worker"],
    )
    services.project_close(project=project, closure_note="已更换", actor=personas["worker"])
    page = client.get(reverse("alliance:my_needs")).content.decode()
    assert "请为办理结果打分" in page
    assert (
        post(
            client, personas["outsider"], "alliance:project_rate", project.pk, data={"rating": "1"}
        ).status_code
        == 404
    )
    client.force_login(resident)
    client.post(reverse("alliance:project_rate", args=[project.pk]), {"rating": "5", "comment": "谢谢"})
    a_need.refresh_from_db()
    assert a_need.rating == 5 and a_need.rated_at is not None


def test_staff_record_a_need_and_pair_it_with_a_suggested_resource(client, personas, regions, world):
    worker = personas["worker"]
    client.force_login(worker)
    response = client.post(
        reverse("alliance:need_create"),
        {"community": regions["A1"].pk, "title": "需要义诊", "category": "health", "urgency": "normal"},
    )
    a_need = world["need"].__class__.objects.get(title="需要义诊")
    assert response.url == reverse("alliance:need", args=[a_need.pk])
    page = client.get(response.url).content.decode()
    assert world["resource"].title in page  # suggested: same category
    response = client.post(
        reverse("alliance:project_create", args=[a_need.pk]),
        {
            "title": "",
            "resources": [world["resource"].pk],
            "owner": world["resource"].organization.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-01",
        },
    )
    assert response.status_code == 302 and a_need.projects.count() == 1


def test_a_unit_offers_a_resource_in_its_neighbourhood(client, personas, regions):
    unit = personas["unit"]
    org_id = unit.grants.get().organization_id
    page = get(client, unit, "alliance:resource_create").content.decode()
    assert regions["A2"].name in page and regions["B1"].name not in page  # the unit's subdistrict only
    data = {
        "organization": org_id,
        "community": regions["A2"].pk,
        "title": "会议室周末开放",
        "category": "venue",
    }
    response = post(client, unit, "alliance:resource_create", data=data)
    assert response.status_code == 302 and response.url == reverse("alliance:resources")
    made = Resource.objects.get()
    assert (made.organization_id, made.community, made.filed_by) == (org_id, regions["A2"], unit)
    assert AuditLog.objects.filter(action="alliance.resource_create", target_id=str(made.pk)).exists()


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_residents_do_not_offer_resources(client, personas, persona):
    assert get(client, personas[persona], "alliance:resource_create").status_code == 404
    assert post(client, personas[persona], "alliance:resource_create").status_code == 404


def test_an_outsider_unit_cannot_offer_for_another_unit_or_community(client, personas, regions):
    data = {
        "organization": personas["unit"].grants.get().organization_id,
        "community": regions["A1"].pk,
        "title": "冒名资源",
        "category": "venue",
    }
    response = post(client, personas["outsider_unit"], "alliance:resource_create", data=data)
    assert response.status_code == 200 and not Resource.objects.exists()
