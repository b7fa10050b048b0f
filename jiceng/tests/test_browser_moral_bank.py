"""The whole Moral Bank loop in one run of a real Chromium, across two subdistricts."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from jiceng.bank.models import Account, DeedClaim, EarningRule, Notice, Redemption
from jiceng.bank.services.rules import rule_catalogue_seed
from jiceng.bank.tests.test_rewards import make_partner, make_reward

pytestmark = pytest.mark.django_db(transaction=True)


def login(browser, base, username, width=360):
    page = browser.new_context(viewport={"width": width, "height": 780}, locale="zh-CN").new_page()
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_diary_to_claim_to_notice_to_points_to_redemption(browser, live_server, personas, regions, capsys):
    base = live_server.url
    rule_catalogue_seed(district=regions["district"])
    # a Moral Alliance partner in the other subdistrict (B), with a 5-point reward
    partner = make_partner(personas["outsider_unit"], personas["outsider_sub_admin"], address="桂溪路 8 号")
    make_reward(partner, personas["outsider_unit"], name="理发一次", points_price=5, place="桂溪路 8 号")

    # 1. the resident writes a diary entry and claims it
    resident = login(browser, base, "13912345678")
    resident.goto(base + "/diary/new/")
    resident.select_option("select[name=category]", "helping")
    resident.fill("textarea[name=text]", "帮独居老人修好了漏水的水龙头")
    resident.click("button:has-text('保存')")
    resident.click("a:has-text('申报积分')")
    # nothing is preselected; the preview shows what the public board will say, words hidden
    helping = EarningRule.objects.get(district=regions["district"], code="helping", is_current=True)
    assert "请先选择积分规则" in resident.inner_text("#claim-preview")
    resident.select_option("select[name=rule]", str(helping.pk))
    # The preview is redrawn by a script that may still be loading: wait for it, as a person would.
    expect(resident.locator("#claim-preview")).to_contain_text(helping.name)
    preview = resident.inner_text("#claim-preview")
    assert "漏水" not in preview and "李*国" in preview
    resident.check("input[name=text_public]")
    expect(resident.locator("#claim-preview")).to_contain_text("漏水")
    resident.uncheck("input[name=text_public]")
    resident.click("button:has-text('提交申报')")
    resident.wait_for_url("**/bank/claims/mine/")
    assert "已提交" in resident.inner_text("main")

    # 2. a community worker approves it
    worker = login(browser, base, "worker_a1", width=1280)
    worker.goto(base + "/bank/review/")
    worker.check("input[name=claim]")
    worker.click("button:has-text('通过所选')")
    assert "已通过 1 条" in worker.inner_text("main")

    # 3. the award is on the notice board, pending
    resident.goto(base + "/bank/notices/")
    board = resident.inner_text("main")
    assert personas["resident"].person.masked_name in board and "公示中" in board and "5 分" in board
    resident.goto(base + "/me/")
    assert "公示中 5 分" in resident.inner_text("main")

    # 4. the notice period ends; settle posts it and the balance shows it
    Notice.objects.update(ends_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("bank", "settle")
    resident.goto(base + "/me/")
    assert resident.inner_text(".hero .n") == "5"
    assert DeedClaim.objects.get().state == "credited"

    # 5. the resident redeems at the partner in the other subdistrict
    resident.goto(base + "/bank/rewards/")
    resident.click("text=理发一次")
    resident.click("a.btn.big:has-text('兑换')")
    resident.click("button:has-text('确认兑换')")
    resident.wait_for_url("**/bank/vouchers/*/")
    code = resident.get_attribute("[data-code]", "data-code")

    # 6. the partner confirms the code
    shop = login(browser, base, personas["outsider_unit"].username, width=1280)
    shop.goto(base + "/bank/partner/scan/")
    shop.fill("input[name=code]", code)
    shop.click("button:has-text('查询')")
    shop.click("button:has-text('确认领取')")
    shop.wait_for_selector("text=核销成功")
    assert Redemption.objects.get().state == "collected"
    wallet = Account.objects.get(person=personas["resident"].person)
    assert (wallet.posted, wallet.pending_in, wallet.pending_out) == (0, 0, 0)

    # 7. the ledger verifies
    call_command("ledger", "checkpoint")
    call_command("ledger", "verify")
    assert "校验通过" in capsys.readouterr().out
