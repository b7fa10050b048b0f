"""Alliance and three-list indicators, built through the alliance app's own services."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.models import Action, Need
from jiceng.alliance.tests.factories import action_for, alliance_a, held_meeting, need, org, resource
from jiceng.assessment.tests.test_catalogue_bank import points, run


def test_symposia_count_only_held_ones_with_minutes(personas, regions, period):
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    today = timezone.localdate()
    held = []
    for days in (20, 10):
        m = held_meeting(alliance, actor, today - dt.timedelta(days=days), kind="symposium")
        services.meeting_record_minutes(meeting=m, minutes="议定事项三项", actor=actor)
        held.append(m)
    held_meeting(alliance, actor, today - dt.timedelta(days=5), kind="symposium")  # no minutes: not held
    joint = held_meeting(alliance, actor, today - dt.timedelta(days=3))
    services.meeting_record_minutes(meeting=joint, minutes="联席会纪要", actor=actor)  # not a symposium
    res = run("alliance.symposia", regions["A"], period)
    assert res.value == 2 and res.records == sorted(("alliance.Meeting", m.pk) for m in held)
    assert points("alliance.symposia", res.value) == Decimal("33.3")  # 2 of the 6 a year
    assert run("alliance.symposia", regions["B"], period).value == 0


def test_actions_closed_on_time(personas, regions, period):
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    today = timezone.localdate()
    early = action_for(
        alliance, actor, day=today - dt.timedelta(days=20), due_on=today + dt.timedelta(days=5)
    )
    late = action_for(alliance, actor, day=today - dt.timedelta(days=20), due_on=today - dt.timedelta(days=2))
    still_open = action_for(
        alliance, actor, day=today - dt.timedelta(days=20), due_on=today + dt.timedelta(days=9)
    )
    for a in (early, late):
        services.action_close(action=a, result="已完成", rating=5, rating_source="community", actor=actor)
    res = run("alliance.actions_on_time", regions["A"], period)
    assert res.value == Decimal("33.3")  # one of three on time; the late one and the open one are not
    assert res.records == sorted(("alliance.Action", a.pk) for a in (early, late, still_open))
    assert Action.objects.get(pk=late.pk).closed_at.date() > late.due_on
    assert points("alliance.actions_on_time", res.value) == Decimal("0.0")  # below the floor of 50 %
    assert points("alliance.actions_on_time", Decimal("75")) == Decimal("50.0")


def _resolved_need(regions, personas, rating=None):
    worker = personas["worker"]
    a_need = need(regions["A1"], worker)
    res = resource(org(regions["A1"], f"医院{a_need.pk}"), regions["A1"], worker)
    project = services.project_create(
        need=a_need,
        resources=[res],
        title="",
        owner=res.organization,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + dt.timedelta(days=30),
        actor=worker,
    )
    services.project_close(project=project, closure_note="已上门随访", actor=worker)
    if rating:
        services.project_rate(project=project, rating=rating, actor=worker)
    return a_need


def test_needs_resolved_share_leaves_out_withdrawn_needs(personas, regions, period):
    done = _resolved_need(regions, personas)
    waiting = need(regions["A1"], personas["worker"], title="楼道灯")
    withdrawn = need(regions["A1"], personas["worker"], title="重复登记")
    services.need_withdraw(need=withdrawn, actor=personas["worker"])
    res = run("lists.needs_resolved", regions["A1"], period)
    assert res.value == Decimal("50.0") and res.records == sorted(
        ("alliance.Need", n.pk) for n in (done, waiting)
    )
    assert points("lists.needs_resolved", res.value) == Decimal("0.0")
    assert points("lists.needs_resolved", Decimal("80")) == Decimal("60.0")


def test_residents_rating_of_resolved_needs(personas, regions, period):
    rated = [_resolved_need(regions, personas, rating=r) for r in (5, 4, 4)]
    _resolved_need(regions, personas)  # not rated: not counted
    res = run("lists.needs_rating", regions["A"], period)
    assert res.value == Decimal("4.33") and res.records == sorted(("alliance.Need", n.pk) for n in rated)
    assert points("lists.needs_rating", res.value) == Decimal("66.5")  # (4.33 - 3) / (5 - 3)
    assert run("lists.needs_rating", regions["B"], period).value is None


def test_median_days_from_raising_to_resolving_needs_resolved_in_the_period(personas, regions, period):
    now = timezone.now()
    resolved = []
    for days in (20, 18.5, 3):
        n = _resolved_need(regions, personas)
        Need.objects.filter(pk=n.pk).update(
            created_at=now - dt.timedelta(days=days + 1), resolved_at=now - dt.timedelta(days=1)
        )
        resolved.append(n)
    earlier = _resolved_need(regions, personas)  # resolved before the period: not counted
    Need.objects.filter(pk=earlier.pk).update(
        created_at=now - dt.timedelta(days=90), resolved_at=now - dt.timedelta(days=40)
    )
    need(regions["A1"], personas["worker"], title="仍在办理")  # not resolved: not counted
    res = run("lists.resolution_days", regions["A"], period)
    assert res.value == Decimal("18.5")
    assert res.records == sorted(("alliance.Need", n.pk) for n in resolved)
    assert points("lists.resolution_days", res.value) == Decimal("90.2")  # (60 − 18.5) / (60 − 14)
    assert points("lists.resolution_days", Decimal("37")) == Decimal("50.0")  # halfway from 60 days to 14
    assert points("lists.resolution_days", Decimal("10")) == Decimal("100.0")
    assert run("lists.resolution_days", regions["B"], period).value is None
