import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiceng.alliance import services as alliance
from jiceng.alliance.models import MeetingKind
from jiceng.alliance.tests.factories import alliance_a, need, resource
from jiceng.linkage import queries, services
from jiceng.linkage.models import Evidence
from jiceng.linkage.queries import Outcome
from jiceng.linkage.tests.factories import grid, issue
from jiceng.orgs.models import Organization
from jiceng.people.models import Household
from jiceng.regions.models import Region

pytestmark = pytest.mark.django_db

# A leaf's fate: None (not reported) or the report's offset in hours from the deadline's end.
leaf = st.one_of(st.none(), st.integers(min_value=-200, max_value=200))
# subdistricts → communities → grids; a list is split, a bare fate is reported at that level.
community_tree = st.one_of(leaf, st.lists(leaf, min_size=1, max_size=2))
sub_tree = st.one_of(leaf, st.lists(community_tree, min_size=1, max_size=3))
district_tree = st.lists(sub_tree, min_size=1, max_size=3)


def _expected(node, end):
    """(done_at or None) of a node by the rule: a leaf's report; a split node when all below are done."""
    if not isinstance(node, list):
        return None if node is None else end + dt.timedelta(hours=node)
    below = [_expected(n, end) for n in node]
    return None if any(b is None for b in below) else max(below)


@pytest.fixture
def tree_regions(regions):
    district = regions["district"]
    subs = list(Region.objects.filter(parent=district).order_by("code"))[:3]
    out = []
    for s in subs:
        communities = list(Region.objects.filter(parent=s).order_by("code"))[:3]
        out.append((s, [(c, [grid(c, 1), grid(c, 2)]) for c in communities]))
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=district_tree)
def test_completion_rolls_up_exactly_over_random_trees(regions, personas, tree_regions, shape):
    admin = personas["district_admin"]
    with transaction.atomic():
        root = issue(regions["district"], [s for s, _ in tree_regions[: len(shape)]], admin, days=-1)
        end = root.deadline_end()
        rows = {r.region_id: r for r in root.children.all()}
        expected = {}

        def place(row, node, below):
            expected[row.pk] = _expected(node, end)
            if not isinstance(node, list):
                if node is not None:
                    services.assignment_report(
                        assignment=row, actor=admin, number=1, now=end + dt.timedelta(hours=node)
                    )
                return
            targets = [r for r, _ in below[: len(node)]] if below and isinstance(below[0], tuple) else below
            made = services.assignment_split(assignment=row, recipients=targets[: len(node)], actor=admin)
            by_region = {m.region_id: m for m in made}
            for i, child_node in enumerate(node):
                child_below = below[i][1] if isinstance(below[i], tuple) else []
                place(by_region[targets[i].pk], child_node, child_below)

        for (sub, communities), node in zip(tree_regions, shape, strict=False):
            place(rows[sub.pk], node, communities)
        standing = queries.assignment_standing(root)

        def check(s):
            if s.assignment.pk in expected:
                assert s.done_at == expected[s.assignment.pk], s.assignment.region.name
            for c in s.children:
                check(c)

        check(standing)
        assert standing.done_at == _expected(shape, end)
        if standing.done_at is None:
            assert standing.outcome() == Outcome.MISSED
        else:
            assert standing.outcome() == (Outcome.ON_TIME if standing.done_at < end else Outcome.LATE)
        transaction.set_rollback(True)


def _resolve(community, worker, unit_org, *, requester=None, when=None):
    n = need(community, worker, requester=requester)
    res = resource(unit_org, community, worker)
    project = alliance.project_create(
        need=n,
        resources=[res],
        title="随访",
        owner=unit_org,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        actor=worker,
    )
    alliance.project_close(project=project, closure_note="已办结", actor=worker, now=when)
    return n


def test_resolved_needs_complete_a_task_without_any_report(regions, personas):
    worker, unit_org = personas["worker"], Organization.objects.get(name="示范单位")
    root = issue(
        regions["A"], [regions["A1"], regions["A2"]], personas["sub_admin"], evidence=Evidence.NEED, target=2
    )
    standing = queries.assignment_standing(root)
    assert not standing.done and [c.count for c in standing.children] == [0, 0]
    _resolve(regions["A1"], worker, unit_org)
    # a need resolved before the task's period does not count
    _resolve(regions["A1"], worker, unit_org, when=timezone.now() - dt.timedelta(days=30))
    assert queries.assignment_standing(root).children[0].count == 1
    second = _resolve(regions["A1"], worker, unit_org)
    s = queries.assignment_standing(root)
    a1 = s.children[0]
    assert a1.done and a1.done_at == type(second).objects.get(pk=second.pk).resolved_at
    assert a1.assignment.reported_at is None  # nobody reported it
    assert not s.done  # A2 has resolved nothing
    assert a1.outcome() == Outcome.ON_TIME


def test_a_grid_counts_the_needs_of_its_own_households(regions, personas):
    worker, unit_org = personas["worker"], Organization.objects.get(name="示范单位")
    g1, g2 = grid(regions["A1"], 1), grid(regions["A1"], 2)
    person = personas["resident"].person
    home = Household.objects.create(district=person.district, community=regions["A1"], number="1-101")
    person.household = home
    person.save()
    services.household_assign(households=[home], grid=g1, actor=worker)
    root = issue(regions["A1"], [g1, g2], worker, evidence=Evidence.NEED)
    _resolve(regions["A1"], worker, unit_org, requester=person)
    _resolve(regions["A1"], worker, unit_org)  # nobody's household: counts for no grid
    s = queries.assignment_standing(root)
    assert [c.done for c in s.children] == [True, False]


def test_a_held_symposium_completes_the_subdistricts_task(regions, personas):
    root = issue(
        regions["district"],
        [regions["A"], regions["B"]],
        personas["district_admin"],
        evidence=Evidence.SYMPOSIUM,
    )
    the_alliance = alliance_a(regions, personas)
    when = timezone.now() - dt.timedelta(days=1)
    meeting = alliance.meeting_schedule(
        alliance=the_alliance, kind=MeetingKind.JOINT, scheduled_at=when, actor=personas["sub_admin"]
    )
    alliance.meeting_record_minutes(meeting=meeting, minutes="纪要", actor=personas["sub_admin"], now=when)
    assert not queries.assignment_standing(root).children[0].done  # a joint meeting is not a symposium
    symposium = alliance.meeting_schedule(
        alliance=the_alliance, kind=MeetingKind.SYMPOSIUM, scheduled_at=when, actor=personas["sub_admin"]
    )
    a_row = root.children.get(region=regions["A"])
    assert not queries.assignment_standing(a_row).done  # scheduled is not held
    alliance.meeting_record_minutes(meeting=symposium, minutes="纪要", actor=personas["sub_admin"], now=when)
    s = queries.assignment_standing(root)
    assert [c.done for c in s.children] == [True, False]
    assert s.children[0].done_at == when


def test_outcomes_per_region_count_on_time_late_missed_and_open(regions, personas):
    admin, sub = personas["district_admin"], personas["sub_admin"]
    past = issue(regions["district"], [regions["A"], regions["B"]], admin, days=-2, start_days=-20)
    a_row = past.children.get(region=regions["A"])
    services.assignment_report(
        assignment=a_row, actor=sub, number=1, now=a_row.deadline_end() - dt.timedelta(hours=1)
    )
    late = issue(regions["district"], [regions["A"]], admin, days=-2, start_days=-20, title="迟报")
    services.assignment_report(assignment=late.children.get(), actor=sub, number=1)
    issue(regions["district"], [regions["A"]], admin, days=5, title="进行中")
    counts = queries.outcome_counts_by_region(regions["district"])
    assert counts[regions["A"].pk] == {"on_time": 1, "late": 1, "missed": 0, "open": 1}
    assert counts[regions["B"].pk] == {"on_time": 0, "late": 0, "missed": 1, "open": 0}
    assert regions["district"].pk not in counts  # the issuer's own row is not a recipient's
    only_a = queries.outcome_counts_by_region(regions["A"])
    assert set(only_a) == {regions["A"].pk}


def test_overdue_lists_recipients_past_their_deadline_and_not_done(regions, personas):
    admin = personas["district_admin"]
    root = issue(regions["district"], [regions["A"], regions["B"]], admin, days=-1, start_days=-10)
    services.assignment_report(assignment=root.children.get(region=regions["A"]), actor=admin, number=1)
    issue(regions["district"], [regions["B"]], admin, days=3, title="未到期")
    overdue = queries.assignment_list_overdue(regions["district"])
    assert [(s.assignment.region, s.assignment.title) for s in overdue] == [(regions["B"], "安全排查")]
