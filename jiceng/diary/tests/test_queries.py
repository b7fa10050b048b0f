"""Reads of the diary: a resident sees only their own entries; a community page only shared ones."""

from jiceng.diary.queries.entries import diary_entry_list_mine, diary_entry_list_shared
from jiceng.diary.tests.factories import make_entry


def test_a_resident_lists_only_their_own_entries(personas):
    mine = make_entry(personas["resident"].person, text="我的")
    make_entry(personas["outsider"].person, text="别人的", is_shared=True)
    assert list(diary_entry_list_mine(personas["resident"])) == [mine]
    assert list(diary_entry_list_mine(personas["worker"])) == []  # no person: nothing


def test_a_community_lists_only_its_shared_entries(personas, regions):
    shared = make_entry(personas["resident"].person, text="公开", is_shared=True)
    make_entry(personas["resident"].person, text="私密")
    make_entry(personas["outsider"].person, text="外社区公开", is_shared=True)
    assert diary_entry_list_shared(regions["A1"]) == [shared]
