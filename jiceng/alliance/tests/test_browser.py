"""In a real Chromium: a subdistrict schedules a symposium, records attendance, turns a resolution
into an action with a due date, and closes it with a result and a rating."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import PASSWORD
from jiceng.alliance import services
from jiceng.alliance.models import Action, Invitation, Meeting
from jiceng.alliance.tests.factories import alliance_a, org

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, base, username):
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_it_runs_a_symposium_from_schedule_to_a_rated_action(browser, live_server, regions, personas):
    alliance = alliance_a(regions, personas)
    second = org(regions["A2"], "第二示范单位")
    services.member_join(
        alliance=alliance, organization=second, joined_on=dt.date(2024, 1, 1), actor=personas["sub_admin"]
    )
    page = browser.new_page(viewport={"width": 360, "height": 780}, locale="zh-CN")
    login(page, live_server.url, personas["sub_admin"].username)

    page.goto(f"{live_server.url}/alliance/{alliance.pk}/")
    page.click("text=安排双月座谈会")
    now = timezone.localtime().replace(second=0, microsecond=0)
    page.fill("input[name=scheduled_at]", now.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=place]", "街道党群服务中心三楼")
    page.click("button:has-text('安排')")
    meeting = Meeting.objects.get(kind="symposium")
    page.wait_for_url(f"{live_server.url}/alliance/meetings/{meeting.pk}/")
    assert "双月座谈会" in page.inner_text("h1")

    page.click("#invite")
    page.wait_for_selector("#attendance")
    units = Invitation.objects.filter(meeting=meeting, member__kind="unit").order_by("pk")
    assert units.count() == 2
    # present only by scanning the rotating QR on the convener's screen, logged in as the unit's operator
    checkin_url = page.get_attribute("#qr", "data-checkin-url")
    phone = browser.new_page(viewport={"width": 360, "height": 780}, locale="zh-CN")
    login(phone, live_server.url, personas["unit"].username)
    phone.goto(checkin_url)
    phone.click("button:has-text('确认现场签到')")
    phone.wait_for_selector(".meet-signed")
    first, second_inv = units
    page.select_option(f"select[name=att-{second_inv.pk}]", "excused")
    page.fill(f"input[name=rep-{second_inv.pk}]", "代表2")
    page.click("#attendance button[type=submit]")
    page.wait_for_selector("text=出席情况已登记")
    assert list(
        Invitation.objects.filter(meeting=meeting, attendance="present").values_list("pk", flat=True)
    ) == [first.pk]
    assert first.member.organization.name == "示范单位"
    assert "1 / 4" in page.inner_text(".kv")
    assert page.locator(f"select[name=att-{first.pk}]").is_disabled()

    page.fill("#resolution textarea[name=text]", "驻区单位每周开放运动场地")
    page.click("#resolution button[type=submit]")
    page.wait_for_selector("text=决议已记录")
    page.click("a.btn:has-text('转为任务')")
    page.select_option("select[name=track]", "joint_building")
    page.fill("input[name=title]", "签订场地开放共建协议")
    page.select_option("select[name=owner]", label="示范单位")
    due = timezone.localdate() + dt.timedelta(days=30)
    page.fill("input[name=due_on]", due.isoformat())
    page.click("button:has-text('建立任务')")
    page.wait_for_selector("text=任务已建立")
    action = Action.objects.get()
    assert action.due_on == due and action.owner.name == "示范单位" and action.resolution.meeting == meeting

    page.click(f"a[href='/alliance/actions/{action.pk}/']")
    page.click("#close summary")
    page.fill("#close textarea[name=result]", "协议已签订，每周六、日向居民开放")
    page.check("#close input[name=rating][value='5']")
    page.select_option("#close select[name=rating_source]", "residents")
    page.click("#close button[type=submit]")
    page.wait_for_selector("text=任务已办结")
    action.refresh_from_db()
    assert (action.status, action.rating, action.rating_source) == ("done", 5, "residents")
    assert "协议已签订" in action.result
    assert page.locator("h1 .pill.done").count() == 1
    page.close()
