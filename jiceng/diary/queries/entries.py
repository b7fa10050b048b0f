"""Reads of diary entries: a resident's own, and the shared ones of a community."""

from django.db.models import QuerySet

from jiceng.diary.models import DiaryEntry
from jiceng.regions.models import Region


def diary_entry_list_mine(user) -> QuerySet[DiaryEntry]:
    """The user's own entries, newest first; nobody else's, shared or not."""
    if user.person_id is None:
        return DiaryEntry.objects.none()
    return DiaryEntry.objects.filter(person_id=user.person_id)


def diary_entry_list_shared(community: Region, limit: int = 10) -> list[DiaryEntry]:
    """Entries the residents of `community` chose to share, newest first."""
    return list(
        DiaryEntry.objects.filter(person__community=community, is_shared=True).select_related("person")[
            :limit
        ]
    )
