"""The diary's pages: writing an entry, sharing it, keeping it private, and claiming points for it."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from jiceng.bank.models import DeedClaim
from jiceng.diary.models import DiaryEntry
from jiceng.diary.tests.factories import make_entry


def test_a_resident_claims_from_the_diary_in_three_taps(client, personas, rules):
    client.force_login(personas["resident"])
    today = timezone.localdate().isoformat()
    client.post(reverse("diary:new"), {"date": today, "category": "helping", "text": "帮邻居老人取药"})
    entry = DiaryEntry.objects.get()
    assert not entry.is_shared
    page = client.get(reverse("diary:claim", args=[entry.pk])).content.decode()
    assert '<option value="" selected>' in page  # nothing preselected: the resident picks the rule
    response = client.post(reverse("diary:claim", args=[entry.pk]), {"rule": rules["helping"].pk})
    assert response.url == reverse("bank:my_claims")
    claim = DeedClaim.objects.get()
    assert (claim.diary_entry, claim.text, claim.filed_mode) == (entry, "帮邻居老人取药", "self")


def test_diary_entries_are_private(client, personas, rules):
    entry = DiaryEntry.objects.create(
        district=personas["resident"].person.district,
        person=personas["resident"].person,
        date=timezone.localdate(),
        category="helping",
        text="秘密",
    )
    client.force_login(personas["outsider"])
    assert client.get(reverse("diary:claim", args=[entry.pk])).status_code == 404
    assert "秘密" not in client.get(reverse("diary:list")).content.decode()


def test_shared_diary_entries_show_on_the_community_page(client, personas, regions):
    person = personas["resident"].person
    DiaryEntry.objects.create(
        district=person.district,
        person=person,
        date=timezone.localdate(),
        category="helping",
        text="公开的日记",
        is_shared=True,
    )
    DiaryEntry.objects.create(
        district=person.district,
        person=person,
        date=timezone.localdate(),
        category="helping",
        text="私密的日记",
    )
    client.force_login(personas["worker"])
    page = client.get(reverse("portal:community", args=[regions["A1"].code])).content.decode()
    assert "公开的日记" in page and "私密的日记" not in page and person.masked_name in page


def test_it_writes_a_shared_entry_through_the_page(client, personas):
    client.force_login(personas["resident"])
    today = timezone.localdate().isoformat()
    data = {"date": today, "category": "neighbour", "text": "  陪邻居看病  ", "is_shared": "on"}
    response = client.post(reverse("diary:new"), data)
    assert response.url == reverse("diary:list")
    entry = DiaryEntry.objects.get()
    assert (entry.text, entry.is_shared, entry.person) == ("陪邻居看病", True, personas["resident"].person)
    assert "已公开" in client.get(reverse("diary:list")).content.decode()


def test_it_refuses_an_entry_dated_tomorrow_and_says_why(client, personas):
    client.force_login(personas["resident"])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    page = client.post(reverse("diary:new"), {"date": tomorrow, "category": "helping", "text": "明天的事"})
    assert "日期不能晚于今天" in page.content.decode() and not DiaryEntry.objects.exists()


def test_an_unshared_entry_of_another_resident_is_404(client, personas, rules):
    entry = make_entry(personas["outsider"].person, text="别人的私密日记")
    client.force_login(personas["resident"])
    assert client.get(reverse("diary:claim", args=[entry.pk])).status_code == 404
    assert (
        client.post(reverse("diary:claim", args=[entry.pk]), {"rule": rules["helping"].pk}).status_code == 404
    )
    assert "别人的私密日记" not in client.get(reverse("diary:list")).content.decode()
    assert not DeedClaim.objects.exists()


def test_a_shared_entry_of_another_resident_is_still_not_theirs_to_claim(client, personas, rules):
    entry = make_entry(personas["outsider"].person, text="公开的别人日记", is_shared=True)
    client.force_login(personas["resident"])
    assert client.get(reverse("diary:claim", args=[entry.pk])).status_code == 404


def test_an_entry_is_claimed_only_once(client, personas, rules):
    entry = make_entry(personas["resident"].person)
    client.force_login(personas["resident"])
    client.post(reverse("diary:claim", args=[entry.pk]), {"rule": rules["helping"].pk})
    page = client.post(reverse("diary:claim", args=[entry.pk]), {"rule": rules["helping"].pk})
    assert "这篇日记已经申报过了" in page.content.decode() and DeedClaim.objects.count() == 1
    assert "已申报" in client.get(reverse("diary:list")).content.decode()


def test_diary_pages_are_404_for_staff_and_units(client, personas):
    entry = make_entry(personas["resident"].person)
    for who in ("worker", "unit", "district_admin"):
        client.force_login(personas[who])
        for url in (reverse("diary:list"), reverse("diary:new"), reverse("diary:claim", args=[entry.pk])):
            assert client.get(url).status_code == 404


def test_diary_pages_need_a_login(client, personas):
    entry = make_entry(personas["resident"].person)
    for url in (reverse("diary:list"), reverse("diary:new"), reverse("diary:claim", args=[entry.pk])):
        assert client.get(url).status_code == 302
