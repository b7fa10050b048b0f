"""In a real Chromium: publish an activity, check in with the rotating QR code, check out, close it
with Moral Bank claims in one step, review, settle, and the points are credited."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import PASSWORD
from jiceng.activities import tokens
from jiceng.activities.models import Activity, CheckIn

pytestmark = pytest.mark.django_db(transaction=True)


def login(context, base, username):
    page = context.new_page()
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_an_activity_from_publishing_to_credited_points(browser, live_server, regions, personas):
    from jiceng.bank import ledger
    from jiceng.bank.models import ClaimState, DeedClaim, Notice
    from jiceng.bank.services.rules import rule_catalogue_seed

    rule_catalogue_seed(district=regions["district"])
    base = live_server.url
    organiser = login(
        browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN"), base, "unit_a"
    )

    # publish: it began 70 minutes ago (published on site) and ends in an hour
    organiser.goto(base + "/activities/new/")
    now = timezone.localtime().replace(second=0, microsecond=0)
    organiser.fill("input[name=title]", "社区义诊志愿服务")
    organiser.select_option("select[name=community]", label=regions["A1"].name)
    organiser.fill("input[name=place]", "社区党群服务中心")
    organiser.fill("input[name=starts_at]", (now - dt.timedelta(minutes=70)).strftime("%Y-%m-%dT%H:%M"))
    organiser.fill("input[name=ends_at]", (now + dt.timedelta(minutes=60)).strftime("%Y-%m-%dT%H:%M"))
    organiser.click("button:has-text('发布')")
    organiser.wait_for_selector("#qr svg")
    activity = Activity.objects.get()
    assert activity.organizer_kind == "unit" and activity.organizer_org.name == "示范单位"
    assert organiser.get_attribute("#qr", "hx-trigger") == "every 20s"
    url = organiser.get_attribute("#qr", "data-checkin-url")
    assert re.search(rf"/activities/{activity.pk}/checkin/[0-9a-f]+-[0-9a-f]{{16}}/$", url)

    # the participant opens the URL in the current QR code, logs in, and confirms
    participant_context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    participant = participant_context.new_page()
    participant.goto(url)
    participant.fill("input[name=username]", "res_a1")
    participant.fill("input[name=password]", PASSWORD)
    participant.click("button[type=submit]")
    participant.wait_for_selector("button:has-text('确认签到')")
    participant.click("button:has-text('确认签到')")
    participant.wait_for_selector("text=签到成功")
    checkin = CheckIn.objects.get()
    assert checkin.person == personas["resident"].person and checkin.method == "qr"

    # an hour of service later (moved back in the database), they scan the current code again
    CheckIn.objects.filter(pk=checkin.pk).update(
        checked_in_at=checkin.checked_in_at - dt.timedelta(minutes=60)
    )
    organiser.reload()
    assert "1 人" in organiser.inner_text("h2:has-text('签到')")
    participant.goto(organiser.get_attribute("#qr", "data-checkin-url"))
    participant.click("button:has-text('确认签退')")
    participant.wait_for_selector("text=签退成功")
    checkin.refresh_from_db()
    assert 60 <= checkin.minutes <= 62

    # a screenshot of a code sent elsewhere stops working within a minute
    stale = tokens.token_for(activity, timezone.now() - dt.timedelta(seconds=90))
    response = participant.goto(f"{base}/activities/{activity.pk}/checkin/{stale}/")
    assert response.status == 410 and "二维码已过期" in participant.inner_text(".errors")

    # close: bulk claims in one step
    organiser.click("#close summary")
    assert organiser.is_checked("#close input[name=file_claims]")
    organiser.click("#close button:has-text('结束活动')")
    organiser.wait_for_selector("text=已为 1 位参加人申报道德银行积分")
    claim = DeedClaim.objects.get()
    assert (
        claim.activity_id == activity.pk
        and claim.state == ClaimState.SUBMITTED
        and claim.minutes == checkin.minutes
    )

    # the community worker reviews it; the notice runs; settling credits the points
    reviewer = login(
        browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN"), base, "worker_a1"
    )
    reviewer.goto(base + "/bank/review/")
    reviewer.check(f"input[name=claim][value='{claim.pk}']")
    reviewer.click("button[value=approve]")
    reviewer.wait_for_selector("text=进入公示")
    claim.refresh_from_db()
    assert claim.state == ClaimState.ON_NOTICE
    Notice.objects.filter(claim=claim).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("bank", "settle")
    claim.refresh_from_db()
    assert claim.state == ClaimState.CREDITED
    posted, pending_in, _out = ledger.balance(ledger.wallet_open(personas["resident"].person))
    assert posted == claim.points == 2 and pending_in == 0
