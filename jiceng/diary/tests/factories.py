"""Diary entries for tests."""

from django.utils import timezone

from jiceng.diary.models import DiaryEntry


def make_entry(person, text="帮邻居老人取药", **kw) -> DiaryEntry:
    fields = {"date": timezone.localdate(), "category": "helping", "is_shared": False} | kw
    return DiaryEntry.objects.create(district=person.district, person=person, text=text, **fields)
