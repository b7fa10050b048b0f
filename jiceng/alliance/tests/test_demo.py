"""The demo hook: every case the pages should show, and running it twice changes nothing."""

import pytest

from jiceng.activities.models import Activity
from jiceng.alliance.models import Action, Alliance, Meeting, Need, Project, ReportIn, SectorBranch
from jiceng.alliance.queries.coverage import faded_branches

pytestmark = pytest.mark.django_db


def _counts():
    return [
        m.objects.count()
        for m in (Alliance, Meeting, Action, Need, Project, Activity, ReportIn, SectorBranch)
    ]


def test_the_demo_hook_is_registered_idempotent_and_complete():
    from jiceng import demo_hooks
    from jiceng.alliance.demo import load_alliance_demo
    from jiceng.demo import load_organizations, load_people, load_regions, load_users

    assert load_alliance_demo in demo_hooks.HOOKS
    district = load_regions(False)
    load_organizations(district)
    load_people(district)
    load_users(district)
    load_alliance_demo(district)
    first = _counts()
    load_alliance_demo(district)
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
    assert len(faded_branches(SectorBranch.objects.all(), 12)) == 1
    assert SectorBranch.objects.filter(state="active").exists() and ReportIn.objects.exists()
