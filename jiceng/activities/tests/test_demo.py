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
    from jiceng import demo_hooks
    from jiceng.activities.demo import load_activities_demo
    from jiceng.alliance.demo import load_alliance_demo
    from jiceng.demo import load_organizations, load_people, load_regions, load_users

    assert load_alliance_demo in demo_hooks.HOOKS
    assert demo_hooks.HOOKS.index(load_alliance_demo) < demo_hooks.HOOKS.index(load_activities_demo)
    district = load_regions(False)
    load_organizations(district)
    load_people(district)
    load_users(district)
    load_alliance_demo(district)
    load_activities_demo(district)
    first = _counts()
    load_alliance_demo(district)
    load_activities_demo(district)
    assert _counts() == first

    alliance = Alliance.objects.get()
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
