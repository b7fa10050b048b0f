"""公示 is public: a neighbour without an account reads the boards, from a printed QR code too."""

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from jiceng.bank.queries.notices import board_short_code
from jiceng.bank.services.claims import ClaimInput, claim_file
from jiceng.bank.services.reviews import claim_review
from jiceng.diary.models import DiaryEntry

PHONE_OR_ID = re.compile(r"(?<!\d)(1[3-9]\d{9}|\d{17}[\dX])(?!\d)")


def _on_notice(personas, rules, text="扶老人过马路，老人电话 13812345678", public=True):
    claim = claim_file(
        filer=personas["resident"],
        data=ClaimInput(
            claimant=personas["resident"].person,
            rule=rules["helping"],
            deed_date=timezone.localdate(),
            text=text,
            text_public=public,
        ),
    )
    claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    claim.refresh_from_db()
    return claim.notice


def test_anyone_reads_the_community_and_subdistrict_boards_without_contact_details(personas, rules, regions):
    notice = _on_notice(personas, rules)
    anonymous = Client()
    for region in (regions["A1"], regions["A"]):
        response = anonymous.get(reverse("bank:notices", args=[region.code]))
        assert response.status_code == 200
        page = response.content.decode()
        assert notice.masked_name in page and rules["helping"].name in page
        assert "李建国" not in page and not PHONE_OR_ID.search(page)


def test_objecting_sends_an_anonymous_visitor_to_login_and_back(personas, rules, regions):
    _on_notice(personas, rules)
    url = reverse("bank:notices", args=[regions["A1"].code])
    page = Client().get(url).content.decode()
    assert f'href="{reverse("login")}?next={url}"' in page and "登录后提出异议" in page
    assert reverse("bank:notice_object", args=[1])[:-9] not in page  # no objection form for the anonymous
    response = Client().post(reverse("bank:notice_object", args=[1]), {"reason": "x"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_short_address_leads_to_the_board(regions):
    short = board_short_code(regions["A1"])
    assert len(short) <= 9
    response = Client().get(reverse("board_short", args=[short]))
    assert response.status_code == 302 and response.url == reverse("bank:notices", args=[regions["A1"].code])
    assert Client().get(reverse("board_short", args=["zz!"])).status_code == 404


def test_a_worker_prints_the_poster_with_the_qr_and_the_short_address(client, personas, regions):
    client.force_login(personas["worker"])
    board = client.get(reverse("bank:notices", args=[regions["A1"].code])).content.decode()
    poster_url = reverse("bank:notice_poster", args=[regions["A1"].code])
    assert poster_url in board
    page = client.get(poster_url).content.decode()
    short = reverse("board_short", args=[board_short_code(regions["A1"])])
    assert regions["A1"].name in page and "<svg" in page and f"http://testserver{short}" in page
    assert "<script" not in page
    client.force_login(personas["outsider_worker"])
    assert client.get(poster_url).status_code == 404
    assert Client().get(poster_url).status_code == 302  # login first


def test_anyone_reads_the_community_page_without_contact_details(personas, regions):
    make_person(regions["A1"], "王小明")
    DiaryEntry.objects.create(
        district=regions["district"],
        person=personas["resident"].person,
        date=timezone.localdate(),
        category="helping",
        text="陪邻居看病，有事打我 139 1234 5678，身份证 11010519491231002X",
        is_shared=True,
    )
    response = Client().get(reverse("portal:community", args=[regions["A1"].code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "陪邻居看病" in page and "李*国" in page
    assert "李建国" not in page and "1234 5678" not in page and "11010519491231002X" not in page
    assert "<h2>社区工作者</h2>" not in page  # workers and their phones are for the community's own people
