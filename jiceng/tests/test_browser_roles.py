"""In a real Chromium: each role logs in and lands on its own home."""

import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

HOMES = {
    "district_admin": ("/overview/", "四级总览"),
    "sub_admin": ("/overview/", "四级总览"),
    "worker": ("/work/", "工作台"),
    "unit": ("/unit/", "示范单位"),
    "resident": ("/me/", "我的社区"),
}


def login(page, base, username):
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("persona", list(HOMES))
def test_each_role_logs_in_and_lands_home(browser, live_server, personas, persona):
    page = browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    login(page, live_server.url, personas[persona].username)
    path, text = HOMES[persona]
    page.wait_for_url(live_server.url + path)
    assert text in page.content()
    # the role's menu leads somewhere real
    for link in page.locator("nav.menu a").all():
        assert page.request.get(live_server.url + link.get_attribute("href")).status == 200


def test_resident_sees_only_the_public_side_of_another_community(browser, live_server, personas, regions):
    """A community's page is public (公示), but its organisations and workers are for its own people."""
    page = browser.new_page(locale="zh-CN")
    login(page, live_server.url, "13912345678")
    page.wait_for_url(live_server.url + "/me/")
    own = page.goto(f"{live_server.url}/community/{regions['A1'].code}/")
    assert own.status == 200 and regions["A1"].name in page.content() and "社区党组织" in page.content()
    other = page.goto(f"{live_server.url}/community/{regions['B1'].code}/")
    assert other.status == 200 and regions["B1"].name in page.content()
    assert "社区党组织" not in page.content()


def test_language_switch_and_large_type(browser, live_server, personas):
    page = browser.new_page(locale="zh-CN")
    login(page, live_server.url, "res_a1")
    page.wait_for_url(live_server.url + "/me/")
    page.click("button.text-size")
    assert "large-type" in page.evaluate("document.documentElement.className")
    page.reload()
    assert "large-type" in page.evaluate("document.documentElement.className")
    with page.expect_navigation():
        page.click("footer button[value=en]")
    assert page.evaluate("document.documentElement.lang") == "en"


def test_failed_login_shows_a_chinese_error(browser, live_server, personas):
    page = browser.new_page(locale="zh-CN")
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "res_a1")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert "密码不正确" in page.content()
