"""In a real Chromium: a resident redeems on a phone, the partner types the code and confirms."""

import pytest

from conftest import PASSWORD
from jiceng.bank.models import Redemption, RedemptionState
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, base, username):
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_it_redeems_and_the_partner_collects(browser, live_server, personas):
    partner = make_partner(personas["unit"], personas["sub_admin"])
    make_reward(partner, personas["unit"], name="鸡蛋一盒", points_price=20, place="一楼服务台")
    fund(personas["resident"].person, 50)
    base = live_server.url

    resident = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    outside = []
    resident.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    login(resident, base, personas["resident"].username)
    resident.goto(base + "/bank/rewards/")
    resident.click("text=鸡蛋一盒")
    resident.click("a.btn.big:has-text('兑换')")
    assert "用 20 分" in resident.inner_text("main")
    resident.click("button:has-text('确认兑换')")
    resident.wait_for_url("**/bank/vouchers/*/")
    qr = resident.locator("svg.qr")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 250  # big enough to scan off a phone
    code = resident.get_attribute("[data-code]", "data-code")
    assert len(code) == 8 and resident.get_attribute("[data-state]", "data-state") == "pending"

    shop = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN").new_page()
    login(shop, base, personas["unit"].username)
    shop.goto(base + "/bank/partner/scan/")
    shop.fill("input[name=code]", code.lower())
    shop.click("button:has-text('查询')")
    assert personas["resident"].person.masked_name in shop.inner_text("main")
    shop.click("button:has-text('确认领取')")
    shop.wait_for_selector("text=核销成功")

    resident.reload()
    assert resident.get_attribute("[data-state]", "data-state") == "collected"
    assert "已领取" in resident.inner_text("main")
    assert Redemption.objects.get().state == RedemptionState.COLLECTED
    assert outside == []  # nothing fetched from outside: no CDN


def test_the_back_button_never_makes_a_second_voucher_and_cancel_asks_first(browser, live_server, personas):
    partner = make_partner(personas["unit"], personas["sub_admin"])
    make_reward(partner, personas["unit"], name="理发一次", points_price=20, per_person_limit=3)
    fund(personas["resident"].person, 100)
    base = live_server.url
    page = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    login(page, base, personas["resident"].username)
    page.goto(base + "/bank/rewards/")
    page.click("text=理发一次")
    page.click("a.btn.big:has-text('兑换')")
    page.click("button:has-text('确认兑换')")
    page.wait_for_url("**/bank/vouchers/*/")
    first = page.url
    page.go_back()
    page.click("button:has-text('确认兑换')")
    page.wait_for_url("**/bank/vouchers/*/")
    assert page.url == first and Redemption.objects.count() == 1
    assert "已经提交过" in page.inner_text("main")

    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.click("button:has-text('不要了，取消兑换')")
    page.wait_for_timeout(300)
    assert asked and Redemption.objects.get().state == RedemptionState.PENDING  # said no: nothing happens
    page.once("dialog", lambda d: d.accept())
    page.click("button:has-text('不要了，取消兑换')")
    page.wait_for_selector("text=已取消，20 分已退回")
    assert Redemption.objects.get().state == RedemptionState.CANCELLED
