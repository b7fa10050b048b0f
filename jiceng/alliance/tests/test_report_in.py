"""Party-member report-in: only members report in, once, to posts of their own community.

How service accumulates from check-ins, and the yearly feedback built from it, are tested
with the activities that record it: activities/tests/test_queries_attendance.py.
"""

import pytest

from jiceng.alliance import services
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
