"""The moral diary's data: entries and their photos."""

from jiceng.diary.models.entries import DiaryEntry, DiaryPhoto

__all__ = ["DiaryEntry", "DiaryPhoto"]
