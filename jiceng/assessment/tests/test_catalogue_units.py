"""Resident-unit indicators, built through the alliance's and activities' own records."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity
from jiceng.alliance import services, tokens
from jiceng.alliance.models import Attendance
from jiceng.alliance.tests.factories import action_for, alliance_a, at, held_meeting
from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.catalogue.units import quarters_within
from jiceng.assessment.models import Indicator
from jiceng.orgs.models import Organization

TODAY = timezone.localdate()


def run(code, unit, start, end):
    return CATALOGUE[code].fn(unit, start, end)


def points(code, value):
    """Points by the scoring the catalogue suggests (per event: base plus value × per event, capped)."""
    s = dict(CATALOGUE[code].suggest)
    return Indicator(
        code=code,
        weight=10,
        rule=s["rule"],
        base_points=Decimal(str(s["base_points"])),
        per_event=Decimal(str(s["per_event"])),
        max_points=Decimal(str(s["max_points"])),
    ).points_for(value)


def _unit():
    return Organization.objects.get(name="示范单位")


def _invitation(meeting, unit):
    return meeting.invitations.get(member__organization=unit)


def _check_in(meeting, invitations, actor):
    when = meeting.scheduled_at
    services.meeting_check_in(
        meeting=meeting, invitations=invitations, token=tokens.token_for(meeting, when), actor=actor, now=when
    )


def test_attendance_takes_5_per_unexcused_absence_and_not_for_an_excused_one(personas, regions):
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    unit = _unit()
    came = held_meeting(alliance, actor, TODAY - dt.timedelta(days=20))
    _check_in(came, [_invitation(came, unit)], personas["unit"])
    excused = held_meeting(alliance, actor, TODAY - dt.timedelta(days=10))
    services.meeting_record_attendance(
        meeting=excused, attendance={_invitation(excused, unit).pk: Attendance.EXCUSED}, actor=actor
    )
    missed = held_meeting(alliance, actor, TODAY - dt.timedelta(days=5))
    other = missed.invitations.exclude(member__organization=unit).first()
    services.meeting_record_attendance(meeting=missed, attendance={other.pk: Attendance.ABSENT}, actor=actor)
    # invited, but not held yet: no attendance recorded, so it stays 已确定 and does not count
    not_held = held_meeting(alliance, actor, TODAY + dt.timedelta(days=3))
    start, end = TODAY - dt.timedelta(days=30), TODAY + dt.timedelta(days=30)

    res = run("alliance.unit_attendance", unit, start, end)
    assert res.value == -5  # one unexcused absence; the excused one is not penalised
    assert res.records == sorted(
        ("alliance.Invitation", _invitation(m, unit).pk) for m in (came, excused, missed)
    )
    assert ("alliance.Invitation", _invitation(not_held, unit).pk) not in res.records
    assert points("alliance.unit_attendance", res.value) == Decimal("7.0")  # base 12 − 5

    # every held meeting of the period attended: +3 on the base, capped at 15
    only_came = run(
        "alliance.unit_attendance", unit, TODAY - dt.timedelta(days=25), TODAY - dt.timedelta(days=15)
    )
    assert only_came.value == 3 and points("alliance.unit_attendance", only_came.value) == Decimal("15.0")
    # only an excused meeting: neither a penalty nor the bonus
    only_excused = run(
        "alliance.unit_attendance", unit, TODAY - dt.timedelta(days=12), TODAY - dt.timedelta(days=8)
    )
    assert only_excused.value == 0 and points("alliance.unit_attendance", 0) == Decimal("12.0")
    # never invited to a held meeting: nothing to count, no points
    outside = Organization.objects.get(name="外部单位")
    assert run("alliance.unit_attendance", outside, start, end).value is None
    assert points("alliance.unit_attendance", None) == Decimal("0.0")


def test_two_unexcused_absences_take_10(personas, regions):
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    unit = _unit()
    for days in (9, 4):
        m = held_meeting(alliance, actor, TODAY - dt.timedelta(days=days))
        services.meeting_record_minutes(meeting=m, minutes="会议纪要", actor=actor)
        other = m.invitations.exclude(member__organization=unit).first()
        _check_in(m, [other], personas["unit"])  # attendance taken: another member came, this one did not
    res = run("alliance.unit_attendance", unit, TODAY - dt.timedelta(days=30), TODAY)
    assert res.value == -10 and len(res.records) == 2
    assert points("alliance.unit_attendance", res.value) == Decimal("2.0")


def test_a_meeting_held_without_its_attendance_taken_counts_against_no_member(personas, regions):
    """Minutes recorded, but nobody checked in and nobody was marked excused or absent: the record
    is missing, and no invited unit loses points for it."""
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    unit = _unit()
    m = held_meeting(alliance, actor, TODAY - dt.timedelta(days=6))
    services.meeting_record_minutes(meeting=m, minutes="会议纪要", actor=actor)
    assert run("alliance.unit_attendance", unit, TODAY - dt.timedelta(days=30), TODAY).value is None
    # once the attendance is taken (one member marked absent), the others' absence counts too
    other = m.invitations.exclude(member__organization=unit).first()
    services.meeting_record_attendance(meeting=m, attendance={other.pk: Attendance.ABSENT}, actor=actor)
    assert run("alliance.unit_attendance", unit, TODAY - dt.timedelta(days=30), TODAY).value == -5


def test_quarters_within_leaves_out_quarters_partly_outside_the_period():
    y = 2025
    assert quarters_within(dt.date(y, 2, 15), dt.date(y, 12, 31)) == [
        (dt.date(y, 4, 1), dt.date(y, 6, 30)),
        (dt.date(y, 7, 1), dt.date(y, 9, 30)),
        (dt.date(y, 10, 1), dt.date(y, 12, 31)),
    ]
    assert quarters_within(dt.date(y, 1, 1), dt.date(y, 3, 30)) == []
    assert quarters_within(dt.date(y, 10, 1), dt.date(y + 1, 3, 31)) == [
        (dt.date(y, 10, 1), dt.date(y, 12, 31)),
        (dt.date(y + 1, 1, 1), dt.date(y + 1, 3, 31)),
    ]


def test_idle_quarters_take_5_each(personas, regions):
    y = TODAY.year - 1  # a whole past year: every quarter has ended
    unit = _unit()
    worker = personas["worker"]
    hosted = activity(regions["A1"], worker, at(dt.date(y, 8, 12)), organizer_kind="unit", organizer_org=unit)
    activity(  # cancelled: not held
        regions["A1"],
        worker,
        at(dt.date(y, 11, 3)),
        organizer_kind="unit",
        organizer_org=unit,
        status=ActivityStatus.CANCELLED,
    )
    early = activity(  # in the period, but in a quarter partly outside it
        regions["A1"], worker, at(dt.date(y, 2, 20)), organizer_kind="unit", organizer_org=unit
    )
    res = run("alliance.unit_quarters_idle", unit, dt.date(y, 2, 15), dt.date(y, 12, 31))
    assert res.value == 2  # Q2 and Q4 idle; Q3 hosted; Q1 is not a whole quarter of the period
    assert res.records == [("activities.Activity", hosted.pk)]
    assert ("activities.Activity", early.pk) not in res.records
    assert points("alliance.unit_quarters_idle", res.value) == Decimal("10.0")  # 20 − 2 × 5
    whole = run("alliance.unit_quarters_idle", unit, dt.date(y, 1, 1), dt.date(y, 12, 31))
    assert whole.value == 2 and whole.records == sorted(
        ("activities.Activity", a.pk) for a in (hosted, early)
    )
    # no whole quarter in the period: nothing to count
    assert run("alliance.unit_quarters_idle", unit, dt.date(y, 1, 10), dt.date(y, 3, 20)).value is None


def test_an_alliance_activity_for_an_action_the_unit_owns_is_co_hosted(personas, regions):
    y = TODAY.year - 1
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    unit = _unit()
    action = action_for(alliance, actor, day=TODAY - dt.timedelta(days=30), due_on=TODAY)
    assert action.owner == unit
    joint = activity(
        regions["A1"],
        actor,
        at(dt.date(y, 5, 6)),
        organizer_kind="alliance",
        alliance=alliance,
        action=action,
    )
    res = run("alliance.unit_quarters_idle", unit, dt.date(y, 1, 1), dt.date(y, 12, 31))
    assert res.value == 3 and res.records == [("activities.Activity", joint.pk)]
    assert points("alliance.unit_quarters_idle", 4) == Decimal("0.0")  # floor at 0


def test_a_quarter_not_over_yet_is_not_counted(personas, regions):
    unit = _unit()
    start, end = dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31)
    ended = [q for q in quarters_within(start, end) if q[1] < TODAY]
    res = run("alliance.unit_quarters_idle", unit, start, end)
    assert res.value == (len(ended) if ended else None)


def test_proposals_that_became_resolutions(personas, regions):
    actor = personas["sub_admin"]
    alliance = alliance_a(regions, personas)
    unit = _unit()
    member = alliance.members.get(organization=unit)
    community = alliance.members.exclude(organization=unit).first()
    day = TODAY - dt.timedelta(days=10)
    meeting = held_meeting(alliance, actor, day)
    adopted = services.agenda_item_add(meeting=meeting, title="场地开放", proposer=member, actor=actor)
    twice = services.agenda_item_add(meeting=meeting, title="敬老活动", proposer=member, actor=actor)
    services.agenda_item_add(meeting=meeting, title="停车难", proposer=member, actor=actor)  # no resolution
    theirs = services.agenda_item_add(meeting=meeting, title="加装电梯", proposer=community, actor=actor)
    made = [
        services.resolution_add(meeting=meeting, text=t, agenda_item=i, actor=actor, now=at(day, 11))
        for t, i in (("每周开放", adopted), ("重阳敬老", twice), ("春节慰问", twice), ("征求意见", theirs))
    ]
    old = held_meeting(alliance, actor, TODAY - dt.timedelta(days=60))  # held before the period
    before = services.agenda_item_add(meeting=old, title="旧议题", proposer=member, actor=actor)
    services.resolution_add(meeting=old, text="旧决议", agenda_item=before, actor=actor, now=old.scheduled_at)

    res = run("alliance.unit_proposals_adopted", unit, TODAY - dt.timedelta(days=30), TODAY)
    assert res.value == 2  # two of its items became resolutions; one item with two resolutions counts once
    assert res.records == sorted(("alliance.Resolution", r.pk) for r in made[:3])
    assert points("alliance.unit_proposals_adopted", res.value) == Decimal("4.0")
    assert points("alliance.unit_proposals_adopted", 7) == Decimal("10.0")  # capped
    assert run("alliance.unit_proposals_adopted", unit, TODAY - dt.timedelta(days=5), TODAY).value == 0
