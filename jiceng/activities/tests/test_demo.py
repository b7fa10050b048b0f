"""The alliance and activities demo hooks: every case the pages should show, and running them twice changes nothing.

The activities loader runs after the alliance's (it co-hosts with the alliance), so they are tested together.
"""

import pytest

from jiceng.activities.models import Activity
from jiceng.alliance.models import Action, Alliance, Meeting, Need, Project, ReportIn, SectorBranch
from jiceng.alliance.queries.coverage import sector_branch_list_faded

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (Alliance, Meeting, Action, Need, Project, Activity, ReportIn, SectorBranch)
    ]


def test_the_demo_hook_is_registered_idempotent_and_complete():
    from jiceng.activities.demo import load_activities_demo
    from jiceng.alliance.demo import load_alliance_demo
    from jiceng.demo import registry
    from jiceng.demo.district import load_regions_demo
    from jiceng.orgs.demo import load_orgs_demo
    from jiceng.people.demo import load_people_demo, load_users_demo

    assert load_alliance_demo in registry.loaders()
    assert registry.loaders().index(load_alliance_demo) < registry.loaders().index(load_activities_demo)
    district = load_regions_demo(False)
    load_orgs_demo(district)
    load_people_demo(district)
    load_users_demo(district)
    load_alliance_demo(district)
    load_activities_demo(district)
    first = _counts()
    load_alliance_demo(district)
    load_activities_demo(district)
    assert _counts() == first

    community = Alliance.objects.get(level="community")  # the worker's community holds its own symposium
    symposium = community.meetings.get(kind="symposium", status="held")
    replies = dict(
        symposium.invitations.values_list("member__organization__kind", "reply").filter(reply="absent")
    )
    assert replies == {"unit": "absent"} and symposium.invitations.filter(reply="coming").exists()
    assert symposium.invitations.filter(reply="coming", attendance="present").exists()
    assert not symposium.invitations.filter(attendance="present", checked_in_at__isnull=True).exists()
    assert symposium.resolutions.filter(agenda_item__proposer__kind="unit").exists()

    alliance = Alliance.objects.get(level="subdistrict")
    assert alliance.region.name == "浆洗街街道" and alliance.current_chair() is not None
    kinds = set(alliance.members.values_list("kind", flat=True))
    assert {"community", "unit", "new_sector"} <= kinds
    assert Meeting.objects.filter(kind="joint", status="held").exists()
    assert Meeting.objects.filter(kind="symposium", status="proposed").count() == 1
    assert Action.objects.overdue().count() == 1 and Action.objects.filter(status="done").exists()
    assert (
        Need.objects.filter(rating__isnull=False).exists()
        and Project.objects.filter(status="ongoing").exists()
    )
    assert Activity.objects.filter(status="published").exists()
    assert len(sector_branch_list_faded(SectorBranch.objects.all(), 12)) == 1
    assert SectorBranch.objects.filter(state="active").exists() and ReportIn.objects.exists()
    # what the reported-in members attended shows on their report-in pages
    from jiceng.alliance.queries.report_in import service_record_get

    report = ReportIn.objects.order_by("pk").first()
    assert service_record_get(report, Activity.objects.get(status="closed").starts_at.year).activities >= 1
