"""Reads of an alliance as a whole: its summary for the list and detail pages."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from jiceng.alliance.models import (
    Action,
    ActionStatus,
    Alliance,
    AllianceMember,
    ChairTerm,
    Meeting,
    MeetingStatus,
    Track,
)


@dataclass
class AllianceSummary:
    alliance: Alliance
    members: int
    chair: ChairTerm | None
    next_meeting: Meeting | None
    open_actions: int
    overdue_actions: int
    done_actions: int
    by_track: list[tuple[str, int, int]]  # (label, open, done)


def current_members(alliance: Alliance, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        AllianceMember.objects.filter(alliance=alliance, joined_on__lte=today)
        .exclude(left_on__lte=today)
        .select_related("organization__region")
    )


def alliance_summary(alliance: Alliance, today: dt.date | None = None) -> AllianceSummary:
    today = today or timezone.localdate()
    actions = Action.objects.filter(alliance=alliance)
    counts = actions.aggregate(
        open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
        overdue=Count("pk", filter=Q(status=ActionStatus.OPEN, due_on__lt=today)),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
    )
    tracks = {
        row["track"]: row
        for row in actions.values("track").annotate(
            open=Count("pk", filter=Q(status=ActionStatus.OPEN)),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        )
    }
    next_meeting = (
        alliance.meetings.filter(
            status__in=[MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED],
            scheduled_at__gte=timezone.make_aware(dt.datetime.combine(today, dt.time.min)),
        )
        .order_by("scheduled_at")
        .first()
    )
    return AllianceSummary(
        alliance=alliance,
        members=current_members(alliance, today).count(),
        chair=alliance.current_chair(today),
        next_meeting=next_meeting,
        open_actions=counts["open"],
        overdue_actions=counts["overdue"],
        done_actions=counts["done"],
        by_track=[
            (str(label), tracks.get(value, {}).get("open", 0), tracks.get(value, {}).get("done", 0))
            for value, label in Track.choices
        ],
    )
