"""Pages of report-in: the community confirms a year, adds service posts; the resident reports in."""

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.models import ReportIn, ServicePost
from jiceng.alliance.tests.factories import get, party_member, post

pytestmark = pytest.mark.django_db


def test_a_worker_confirms_a_member_year_from_the_page(client, personas, world):
    report = world["report"]
    year = timezone.localdate().year
    assert (
        post(
            client, personas["sub_admin"], "alliance:report_in_confirm", report.pk, data={"year": year}
        ).status_code
        == 404
    )
    response = post(client, personas["worker"], "alliance:report_in_confirm", report.pk, data={"year": year})
    assert response.status_code == 302 and report.confirmations.get(year=year).minutes == 0
    assert ReportIn.objects.count() == 1


def test_the_resident_reports_in_on_their_phone(client, regions, personas):
    person, branch = party_member(personas, regions)
    services.service_post_create(community=regions["A1"], name="政策宣讲岗", actor=personas["worker"])
    client.force_login(personas["resident"])
    page = client.get(reverse("alliance:report_in_me")).content.decode()
    assert "政策宣讲岗" in page and regions["A1"].name in page
    post = ReportIn._meta.get_field("posts").related_model.objects.get()
    response = client.post(
        reverse("alliance:report_in_me"), {"origin": "veteran", "home_branch": branch.pk, "posts": [post.pk]}
    )
    assert response.status_code == 302
    report = ReportIn.objects.get(person=person)
    assert report.origin == "veteran" and list(report.posts.all()) == [post]
    assert "报到" in client.get(reverse("alliance:report_in_me")).content.decode()


def test_a_resident_who_is_not_a_party_member_is_told_what_to_do(client, personas):
    client.force_login(personas["resident"])
    page = client.get(reverse("alliance:report_in_me")).content.decode()
    assert "系统里没有您的党员记录" in page


def test_a_worker_adds_a_service_post_to_their_community(client, personas, regions, world):
    worker = personas["worker"]
    response = post(
        client, worker, "alliance:service_post_add", data={"name": "助老服务岗", "description": "看望老人"}
    )
    assert response.status_code == 302 and response.url == reverse("alliance:report_ins")
    made = ServicePost.objects.get()
    assert (made.community, made.name) == (regions["A1"], "助老服务岗")
    assert "助老服务岗" in get(client, worker, "alliance:report_ins").content.decode()
    # the same name twice in one community is refused with a message
    again = post(client, worker, "alliance:service_post_add", data={"name": "助老服务岗"})
    assert again.status_code == 302 and ServicePost.objects.count() == 1


@pytest.mark.parametrize("persona", ["sub_admin", "unit", "resident", "outsider"])
def test_only_community_workers_add_service_posts(client, personas, persona):
    response = post(client, personas[persona], "alliance:service_post_add", data={"name": "巡逻岗"})
    assert response.status_code == 404 and not ServicePost.objects.exists()


def test_an_outsider_workers_post_lands_in_their_own_community(client, personas, regions):
    post(client, personas["outsider_worker"], "alliance:service_post_add", data={"name": "巡逻岗"})
    assert list(ServicePost.objects.values_list("community", flat=True)) == [regions["B1"].pk]
    assert "巡逻岗" not in get(client, personas["worker"], "alliance:report_ins").content.decode()
