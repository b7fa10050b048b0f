"""The linkage demo: grids with workers, and district tasks split down to grids, some completed from
records and some overdue; running it twice changes nothing."""

import pytest

from jiceng.core.models import Role, RoleGrant, User
from jiceng.linkage.models import Assignment, GridHousehold
from jiceng.linkage.queries import Outcome, assignment_standing
from jiceng.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def _walk(s):
    yield s
    for c in s.children:
        yield from _walk(c)


def test_the_demo_has_split_tasks_detected_completions_overdue_rows_and_grid_workers(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from jiceng.activities.demo import load_activities_demo
    from jiceng.alliance.demo import load_alliance_demo
    from jiceng.demo import registry
    from jiceng.demo.district import load_regions_demo
    from jiceng.linkage.demo import load_linkage_demo
    from jiceng.orgs.demo import load_orgs_demo
    from jiceng.people.demo import load_people_demo, load_users_demo

    assert registry.loaders().index(load_activities_demo) < registry.loaders().index(load_linkage_demo)
    district = load_regions_demo(False)
    for load in (load_orgs_demo, load_people_demo, load_users_demo, load_alliance_demo, load_activities_demo):
        load(district)
    logins = load_linkage_demo(district)
    assert logins and logins[0][1].startswith("grid /")
    counts = (
        Assignment.objects.count(),
        Region.objects.filter(level=Level.GRID).count(),
        GridHousehold.objects.count(),
    )
    assert load_linkage_demo(district) == logins
    assert (
        Assignment.objects.count(),
        Region.objects.filter(level=Level.GRID).count(),
        GridHousehold.objects.count(),
    ) == counts

    grid_user = User.objects.get(username="grid")
    assert grid_user.check_password("jiceng-demo-2026")
    assert RoleGrant.objects.get(user=grid_user).role == Role.GRID_WORKER
    standings = [
        s for root in Assignment.objects.filter(parent__isnull=True) for s in _walk(assignment_standing(root))
    ]
    levels = {s.assignment.region.level for s in standings}
    assert {Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY, Level.GRID} <= levels
    detected_done = [s for s in standings if s.assignment.is_detected and s.done and not s.children]
    assert detected_done and all(s.assignment.reported_at is None for s in detected_done)
    outcomes = {s.outcome() for s in standings}
    assert {Outcome.ON_TIME, Outcome.LATE, Outcome.MISSED, Outcome.OPEN} <= outcomes
