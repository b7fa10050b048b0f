"""Members, the rotating chair, the bimonthly symposium, running a meeting, and its actions."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiceng.alliance import services, tokens
from jiceng.alliance.models import Action, ActionStatus, Attendance, Meeting, MeetingKind, MeetingStatus
from jiceng.alliance.tests.factories import action_for, alliance_a, at, held_meeting, org
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)
NOW = at(TODAY, 8)


# --------------------------------------------------------------------------- members and chair


def test_it_founds_one_alliance_per_community_subdistrict_or_district(regions, personas):
    actor = personas["sub_admin"]
    alliance = services.alliance_create(region=regions["A"], actor=actor)
    assert alliance.level == "subdistrict" and alliance.name.startswith(regions["A"].name)
    with pytest.raises(services.AllianceError, match="已经有党建联盟"):
        services.alliance_create(region=regions["A"], actor=actor)
    assert services.alliance_create(region=regions["A1"], actor=actor).level == "community"
    assert services.alliance_create(region=regions["district"], actor=actor).level == "district"


def test_it_admits_only_organisations_inside_the_region(regions, personas):
    alliance = alliance_a(regions, personas)
    kinds = sorted(alliance.members.values_list("kind", flat=True))
    assert kinds == ["community", "community", "unit"]
    outside = org(regions["B1"], "乙街道单位")
    with pytest.raises(services.AllianceError, match="不在"):
        services.member_join(
            alliance=alliance, organization=outside, joined_on=TODAY, actor=personas["sub_admin"]
        )
    unit = alliance.members.get(kind="unit").organization
    with pytest.raises(services.AllianceError, match="已经是联盟成员"):
        services.member_join(
            alliance=alliance, organization=unit, joined_on=TODAY, actor=personas["sub_admin"]
        )


def test_it_keeps_one_chair_per_period_and_shows_the_current_one(regions, personas):
    alliance = alliance_a(regions, personas)
    a, b, _c = list(alliance.members.order_by("pk"))
    actor = personas["sub_admin"]
    services.chair_set(
        alliance=alliance, member=a, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 6, 30), actor=actor
    )
    services.chair_set(
        alliance=alliance, member=b, starts_on=dt.date(2026, 7, 1), ends_on=dt.date(2026, 12, 31), actor=actor
    )
    with pytest.raises(services.AllianceError, match="重叠"):
        services.chair_set(
            alliance=alliance,
            member=b,
            starts_on=dt.date(2026, 6, 1),
            ends_on=dt.date(2026, 7, 15),
            actor=actor,
        )
    assert alliance.current_chair(TODAY).member == a
    assert alliance.current_chair(dt.date(2026, 8, 1)).member == b
    assert alliance.current_chair(dt.date(2027, 1, 1)) is None
    with pytest.raises(services.AllianceError, match="轮值主席单位"):
        services.member_leave(member=b, left_on=dt.date(2026, 9, 1), actor=actor)
    services.member_leave(member=b, left_on=dt.date(2027, 1, 1), actor=actor)
    b.refresh_from_db()
    assert b.left_on == dt.date(2027, 1, 1)


# --------------------------------------------------------------------------- the bimonthly symposium


def test_it_proposes_one_symposium_and_running_it_again_proposes_nothing(regions, personas):
    alliance = alliance_a(regions, personas)
    first = services.symposia_propose(now=NOW)
    assert len(first) == 1
    meeting = first[0]
    assert meeting.kind == MeetingKind.SYMPOSIUM and meeting.status == MeetingStatus.PROPOSED
    assert meeting.proposed_by_system and meeting.place == "街道党群服务中心"
    assert timezone.localdate(meeting.scheduled_at) == TODAY + dt.timedelta(
        days=14
    )  # none before: two weeks out
    assert services.symposia_propose(now=NOW) == []
    assert services.symposia_propose(now=NOW + dt.timedelta(days=10)) == []
    assert alliance.meetings.count() == 1
    # once that date has passed, the next one is due two months after it
    (later,) = services.symposia_propose(now=NOW + dt.timedelta(days=20))
    assert timezone.localdate(later.scheduled_at) == dt.date(2026, 5, 24)


def test_it_proposes_the_next_symposium_two_months_after_the_last(regions, personas):
    alliance = alliance_a(regions, personas)
    actor = personas["sub_admin"]
    held_meeting(alliance, actor, dt.date(2026, 2, 1), kind=MeetingKind.SYMPOSIUM)
    (meeting,) = services.symposia_propose(now=NOW)
    assert timezone.localtime(meeting.scheduled_at) == at(dt.date(2026, 4, 1), 14, 30)
    # long gap: never sooner than a week ahead
    Meeting.objects.all().delete()
    held_meeting(alliance, actor, dt.date(2025, 6, 1), kind=MeetingKind.SYMPOSIUM)
    (late,) = services.symposia_propose(now=NOW)
    assert timezone.localdate(late.scheduled_at) == TODAY + dt.timedelta(days=7)


def test_it_lets_the_subdistrict_move_the_proposed_symposium(regions, personas):
    alliance_a(regions, personas)
    (meeting,) = services.symposia_propose(now=NOW)
    moved = services.meeting_reschedule(
        meeting=meeting,
        scheduled_at=at(dt.date(2026, 4, 2), 9, 30),
        place="社区会议室",
        actor=personas["sub_admin"],
    )
    assert moved.status == MeetingStatus.SCHEDULED and moved.place == "社区会议室"
    assert timezone.localtime(moved.scheduled_at) == at(dt.date(2026, 4, 2), 9, 30)
    assert "2026年4月" in moved.title
    assert AuditLog.objects.filter(action="alliance.meeting_reschedule", target_id=str(meeting.pk)).exists()
    assert services.symposia_propose(now=NOW) == []  # the moved one is still within two months
    # moved beyond two months, the cadence asks for another one within the window
    services.meeting_reschedule(
        meeting=moved, scheduled_at=at(dt.date(2026, 6, 1)), actor=personas["sub_admin"]
    )
    assert len(services.symposia_propose(now=NOW)) == 1


def test_it_refuses_to_move_a_meeting_that_was_held_or_cancelled(regions, personas):
    alliance = alliance_a(regions, personas)
    meeting = held_meeting(alliance, personas["sub_admin"], dt.date(2026, 3, 1))
    services.meeting_record_minutes(meeting=meeting, minutes="纪要", actor=personas["sub_admin"], now=NOW)
    with pytest.raises(services.AllianceError, match="已召开"):
        services.meeting_reschedule(meeting=meeting, scheduled_at=at(TODAY), actor=personas["sub_admin"])


def test_the_command_proposes_symposia_idempotently(regions, personas):
    from io import StringIO

    from django.core.management import call_command

    alliance_a(regions, personas)
    out = StringIO()
    call_command("alliance", "propose-symposia", "--date", "2026-03-10", stdout=out)
    assert "共拟定 1 次" in out.getvalue()
    call_command("alliance", "propose-symposia", "--date", "2026-03-10", stdout=out)
    assert "共拟定 0 次" in out.getvalue()
    assert Meeting.objects.filter(kind=MeetingKind.SYMPOSIUM).count() == 1


# --------------------------------------------------------------------------- running a meeting


def test_it_records_attendance_per_member_only_from_the_meeting_day(regions, personas):
    alliance = alliance_a(regions, personas)
    actor = personas["sub_admin"]
    meeting = services.meeting_schedule(
        alliance=alliance, kind="joint", scheduled_at=at(dt.date(2026, 3, 20)), actor=actor
    )
    assert services.meeting_invite(meeting=meeting, actor=actor) == 3
    assert services.meeting_invite(meeting=meeting, actor=actor) == 0  # idempotent
    first, second, third = meeting.invitations.order_by("pk")
    plan = {first.pk: Attendance.ABSENT, second.pk: Attendance.PRESENT, third.pk: Attendance.EXCUSED}
    with pytest.raises(services.AllianceError, match="还没有召开"):
        services.meeting_record_attendance(meeting=meeting, attendance=plan, actor=actor, now=NOW)
    on_day = at(dt.date(2026, 3, 20), 11)
    with pytest.raises(services.AllianceError, match="现场扫码签到"):  # present is never set by hand
        services.meeting_record_attendance(meeting=meeting, attendance=plan, actor=actor, now=on_day)
    services.meeting_check_in(
        meeting=meeting,
        invitations=[first, second],
        token=tokens.token_for(meeting, on_day),
        actor=actor,
        now=on_day,
    )
    services.meeting_record_attendance(  # the form cannot turn a checked-in member absent
        meeting=meeting,
        attendance=plan,
        representatives={first.pk: "张书记"},
        actor=actor,
        now=on_day,
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    assert sorted(meeting.invitations.values_list("attendance", flat=True)) == [
        "excused",
        "present",
        "present",
    ]
    assert meeting.invitations.get(pk=first.pk).representative == "张书记"


def test_every_resolution_becomes_one_or_more_actions(regions, personas):
    alliance = alliance_a(regions, personas)
    actor = personas["sub_admin"]
    meeting = held_meeting(alliance, actor, dt.date(2026, 3, 1))
    item = services.agenda_item_add(meeting=meeting, title="夜间安全", actor=actor)
    resolution = services.resolution_add(
        meeting=meeting, text="组织夜间联合巡逻", agenda_item=item, actor=actor, now=NOW
    )
    assert resolution.number == 1
    owners = [m.organization for m in alliance.members.order_by("pk")]
    a1 = services.action_create(
        resolution=resolution,
        track="joint_safety",
        title="组建巡逻队",
        owner=owners[0],
        due_on=dt.date(2026, 4, 1),
        actor=actor,
    )
    a2 = services.action_create(
        resolution=resolution,
        track="joint_activity",
        title="安全宣传活动",
        owner=owners[1],
        due_on=dt.date(2026, 5, 1),
        served_community=regions["A1"],
        actor=actor,
    )
    assert list(resolution.actions.order_by("pk")) == [a1, a2]
    assert a1.alliance == alliance and a2.served_community == regions["A1"]
    with pytest.raises(services.AllianceError, match="不能早于会议日期"):
        services.action_create(
            resolution=resolution,
            track="joint_safety",
            title="x",
            owner=owners[0],
            due_on=dt.date(2026, 2, 1),
            actor=actor,
        )
    with pytest.raises(services.AllianceError, match="不是联盟的现有成员"):
        services.action_create(
            resolution=resolution,
            track="joint_safety",
            title="x",
            owner=org(regions["A1"], "非成员单位"),
            due_on=dt.date(2026, 4, 1),
            actor=actor,
        )
    with pytest.raises(services.AllianceError, match="任务类别"):
        services.action_create(
            resolution=resolution,
            track="daily",
            title="x",
            owner=owners[0],
            due_on=dt.date(2026, 4, 1),
            actor=actor,
        )


def test_it_detects_overdue_actions(regions, personas):
    alliance = alliance_a(regions, personas)
    actor = personas["sub_admin"]
    late = action_for(alliance, actor, day=dt.date(2026, 2, 1), due_on=dt.date(2026, 3, 9), title="逾期任务")
    due_today = action_for(alliance, actor, day=dt.date(2026, 2, 1), due_on=TODAY, title="今天到期")
    assert late.is_overdue(TODAY) and not due_today.is_overdue(TODAY)
    assert list(Action.objects.overdue(TODAY)) == [late]
    services.action_close(
        action=late, result="完成", rating=4, rating_source="community", actor=actor, now=NOW
    )
    late.refresh_from_db()
    assert not late.is_overdue(TODAY) and not Action.objects.overdue(TODAY).exists()


@pytest.mark.parametrize("rating", [None, 0, 6, "5", 4.5, True])
def test_closing_requires_a_rating_from_1_to_5(regions, personas, rating):
    action = action_for(alliance_a(regions, personas), personas["sub_admin"], day=TODAY, due_on=TODAY)
    with pytest.raises(services.AllianceError, match="1 到 5 分"):
        services.action_close(
            action=action,
            result="已完成",
            rating=rating,
            rating_source="residents",
            actor=personas["sub_admin"],
        )
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_closing_requires_a_result_and_records_the_rating(regions, personas):
    actor = personas["sub_admin"]
    action = action_for(alliance_a(regions, personas), actor, day=TODAY, due_on=TODAY)
    with pytest.raises(services.AllianceError, match="办理结果"):
        services.action_close(action=action, result="  ", rating=5, rating_source="residents", actor=actor)
    services.action_update_add(action=action, text="已联系物业", progress=50, actor=actor)
    closed = services.action_close(
        action=action,
        result="三个院落完成征求意见",
        rating=5,
        rating_source="residents",
        actor=actor,
        now=NOW,
    )
    assert (
        closed.status == ActionStatus.DONE
        and closed.rating == 5
        and closed.rated_at == NOW
        and closed.progress == 100
    )
    with pytest.raises(services.AllianceError, match="已办结"):
        services.action_update_add(action=closed, text="再更新", progress=100, actor=actor)


def test_the_database_refuses_a_done_action_without_a_rating(regions, personas):
    action = action_for(alliance_a(regions, personas), personas["sub_admin"], day=TODAY, due_on=TODAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="done", result="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(rating=7)
