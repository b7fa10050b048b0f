"""Reads of an alliance as a whole: its members, its summary for the list and detail pages."""

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
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level, Region


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


def member_list_current(alliance: Alliance, today: dt.date | None = None):
    today = today or timezone.localdate()
    return (
        AllianceMember.objects.filter(alliance=alliance, joined_on__lte=today)
        .exclude(left_on__lte=today)
        .select_related("organization__region")
    )


def alliance_summary_get(alliance: Alliance, today: dt.date | None = None) -> AllianceSummary:
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
        members=member_list_current(alliance, today).count(),
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


def organization_list_joinable(alliance: Alliance):
    """Active organisations inside the alliance's region that are not current members."""
    current = AllianceMember.objects.filter(alliance=alliance, left_on__isnull=True).values("organization_id")
    return (
        Organization.objects.filter(alliance.region.subtree_q("region"), is_active=True)
        .exclude(pk__in=current)
        .order_by("kind", "region__code", "name")
    )


def organization_list_owners(alliance: Alliance):
    """The current members' organisations: who may own an action of the alliance."""
    return Organization.objects.filter(
        pk__in=member_list_current(alliance).values("organization_id")
    ).order_by("name")


def community_list_served(alliance: Alliance):
    """The active communities in the alliance's region: where an action can serve residents."""
    return Region.objects.filter(alliance.region.subtree_q(), level=Level.COMMUNITY, is_active=True)
