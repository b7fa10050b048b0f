"""What a claim shows the public: the rule, the category, the points and the masked name;
the claimant's words only when they tick the box; phones and IDs never."""

from django.urls import reverse
from django.utils import timezone

from jiceng.bank.models import DeedClaim, Notice
from jiceng.bank.services.reviews import claim_review
from jiceng.diary.models import DiaryEntry

SECRET = "帮邻居老人取药，她家电话 13812345678，身份证 11010519491231002X"


def _entry(person):
    return DiaryEntry.objects.create(
        district=person.district, person=person, date=timezone.localdate(), category="helping", text=SECRET
    )


def _approve(personas):
    claim = DeedClaim.objects.get()
    claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    return Notice.objects.get(claim=claim)


def test_a_private_diary_entry_claimed_stays_off_the_board(client, personas, rules):
    entry = _entry(personas["resident"].person)
    client.force_login(personas["resident"])
    response = client.post(reverse("diary:claim", args=[entry.pk]), {"rule": rules["helping"].pk})
    assert response.status_code == 302
    notice = _approve(personas)
    assert "取药" not in notice.title and rules["helping"].name in notice.title
    board = client.get(reverse("bank:notices", args=[notice.community.code])).content.decode()
    assert "取药" not in board and notice.masked_name in board and "李建国" not in board


def test_the_claimant_may_choose_to_show_their_words_but_never_numbers(client, personas, rules):
    entry = _entry(personas["resident"].person)
    client.force_login(personas["resident"])
    client.post(reverse("diary:claim", args=[entry.pk]), {"rule": rules["helping"].pk, "text_public": "on"})
    notice = _approve(personas)
    assert "取药" in notice.title
    board = client.get(reverse("bank:notices", args=[notice.community.code])).content.decode()
    assert "13812345678" not in board and "11010519491231002X" not in board and "138****5678" in board


def test_nothing_is_preselected_and_submitting_without_a_rule_says_what_to_do(client, personas, rules):
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:claim_new")).content.decode()
    assert '<option value="" selected>请选择积分规则<' in page
    data = {"deed_date": timezone.localdate().isoformat(), "text": SECRET}
    page = client.post(reverse("bank:claim_new"), data).content.decode()
    assert "请选择积分规则：选最符合您所做的事的一条" in page and SECRET in page  # nothing lost
    assert not DeedClaim.objects.exists()


def test_the_form_previews_exactly_what_the_board_will_show(client, personas, rules):
    client.force_login(personas["resident"])
    data = {"rule": rules["helping"].pk, "deed_date": "2000-01-01", "text": SECRET, "text_public": "on"}
    page = client.post(reverse("bank:claim_new"), data).content.decode()  # refused: too old
    assert "公示预览" in page and personas["resident"].person.masked_name in page
    data["deed_date"] = timezone.localdate().isoformat()
    client.post(reverse("bank:claim_new"), data)
    notice = _approve(personas)
    assert f'data-preview="title">{notice.title}<' in page.replace("&#x27;", "'")


def test_the_diary_claim_step_shows_the_preview_without_the_words(client, personas, rules):
    entry = _entry(personas["resident"].person)
    client.force_login(personas["resident"])
    page = client.get(reverse("diary:claim", args=[entry.pk])).content.decode()
    assert "公示预览" in page and "您写的内容不会公示" in page
    page = client.post(reverse("diary:claim", args=[entry.pk]), {}).content.decode()
    assert "请选择积分规则" in page and not DeedClaim.objects.exists()


def test_the_board_names_category_and_rule_once_when_they_read_the_same(rules):
    from jiceng.bank.queries.notices import notice_heading, notice_title_for

    rule = rules["helping"]
    category = str(rule.get_category_display())
    rule.name = category
    assert notice_heading(rule) == category
    assert notice_title_for(rule=rule, text="扶老人", text_public=False) == category
    rule.name = "扶老人过马路"
    assert notice_heading(rule) == f"{category} · 扶老人过马路"
