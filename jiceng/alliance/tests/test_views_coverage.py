"""Pages of new-sector coverage: the chart, and recording a branch's history from the page."""

import datetime as dt

import pytest
from django.urls import reverse

from jiceng.alliance import services
from jiceng.alliance.tests.factories import get, post
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_the_coverage_page_draws_a_local_chart(client, personas, world):
    page = get(client, personas["district_admin"], "alliance:coverage").content.decode()
    assert "vendor/echarts/echarts.min.js" in page and 'id="coverage-chart"' in page and "//cdn" not in page


def test_new_sector_history_is_recorded_from_the_page(client, personas, world):
    admin, tower = personas["sub_admin"], world["tower"]
    post(
        client,
        admin,
        "alliance:sector_branch_found",
        tower.pk,
        data={"name": "中共甲大厦支部", "founded_on": "2025-01-01", "member_count": "6"},
    )
    branch = tower.sector_branches.get()
    assert branch.member_count == 6
    assert (
        post(client, personas["outsider_sub_admin"], "alliance:sector_branch_end", branch.pk).status_code
        == 404
    )
    post(
        client,
        admin,
        "alliance:sector_branch_end",
        branch.pk,
        data={"state": "inactive", "ended_on": "2025-05-01", "note": ""},
    )
    page = get(client, admin, "alliance:coverage").content.decode()
    assert "边建边散" in page and "中共甲大厦支部" in page


def test_the_member_count_of_a_branch_is_updated_from_the_page(client, personas, world):
    admin, tower = personas["sub_admin"], world["tower"]
    branch = services.sector_branch_found(
        sector_org=tower, name="中共甲大厦支部", founded_on=dt.date(2025, 1, 1), member_count=6, actor=admin
    )
    response = post(client, admin, "alliance:sector_branch_members", branch.pk, data={"member_count": "9"})
    assert response.status_code == 302 and response.url == reverse("alliance:sector_org", args=[tower.pk])
    branch.refresh_from_db()
    assert branch.member_count == 9
    assert AuditLog.objects.filter(action="alliance.sector_branch_members", target_id=str(branch.pk)).exists()


@pytest.mark.parametrize("persona", ["outsider_sub_admin", "worker", "unit", "resident"])
def test_outsiders_get_404_updating_a_branch_member_count(client, personas, world, persona):
    branch = services.sector_branch_found(
        sector_org=world["tower"],
        name="中共甲大厦支部",
        founded_on=dt.date(2025, 1, 1),
        member_count=6,
        actor=None,
    )
    response = post(
        client, personas[persona], "alliance:sector_branch_members", branch.pk, data={"member_count": "1"}
    )
    assert response.status_code == 404
    branch.refresh_from_db()
    assert branch.member_count == 6
