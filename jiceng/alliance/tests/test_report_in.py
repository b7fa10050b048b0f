"""Party-member report-in: reporting in, posts of the own community, the resident's page.

How service accumulates from check-ins, and the yearly feedback built from it, are tested
with the activities that record it: activities/tests/test_queries_attendance.py.
"""

import pytest
from django.urls import reverse

from jiceng.alliance import services
from jiceng.alliance.models import ReportIn
from jiceng.alliance.tests.factories import party_member, reported_in

pytestmark = pytest.mark.django_db


def test_only_party_members_report_in_and_only_once(regions, personas):
    resident = personas["resident"]
    with pytest.raises(services.AllianceError, match="只有党员"):
        services.report_in_submit(
            person=resident.person, origin="retired", home_unit_name="某单位", actor=resident
        )
    report = reported_in(personas, regions)
    assert report.community == regions["A1"] and report.origin == "state_enterprise"
    assert list(report.posts.values_list("name", flat=True)) == ["助老服务岗"]
    with pytest.raises(services.AllianceError, match="已于 2026-02-01"):
        services.report_in_submit(
            person=resident.person, origin="retired", home_unit_name="某单位", actor=resident
        )


def test_it_needs_a_home_branch_or_unit_and_posts_of_the_own_community(regions, personas):
    person, _branch = party_member(personas, regions)
    with pytest.raises(services.AllianceError, match="所在党组织"):
        services.report_in_submit(person=person, origin="retired", actor=personas["resident"])
    elsewhere = services.service_post_create(
        community=regions["A2"], name="巡逻岗", actor=personas["sub_admin"]
    )
    with pytest.raises(services.AllianceError, match="不在您报到的社区"):
        services.report_in_submit(
            person=person,
            origin="retired",
            home_unit_name="某厂",
            posts=[elsewhere],
            actor=personas["resident"],
        )
    report = services.report_in_submit(
        person=person, origin="retired", home_unit_name="某厂党委", actor=personas["resident"]
    )
    assert report.home_label == "某厂党委"


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
