"""In a real Chromium: the service-circle map draws places, residents and streets from local assets."""

import pytest

from conftest import PASSWORD
from jiceng.circle.models import WalkNetwork

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_draws_the_map_and_says_the_data_is_synthetic(browser, live_server, personas, hand):
    WalkNetwork.objects.update(is_synthetic=True)
    page = browser.new_page(viewport={"width": 360, "height": 740}, locale="zh-CN")
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", personas["district_admin"].username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/overview/")
    page.goto(live_server.url + "/circle/?open_at=20:00")  # Q closes at 17:00: two points lose it
    page.wait_for_selector("#circle-map[data-loaded='1']", timeout=15_000)
    assert page.locator(".circle-pin").count() == 2  # both places, the closed one greyed
    assert page.locator(".circle-pin.off").count() == 1
    assert page.get_attribute("#circle-map", "data-points") == "4"
    assert int(page.get_attribute("#circle-map", "data-edges")) == 30
    assert page.locator(".leaflet-overlay-pane canvas").count() == 1  # streets and residents
    assert "示范数据：路网与居民点为合成数据" in page.inner_text("[data-synthetic]")
    page.locator(".circle-pin").first.click()
    assert page.locator(".leaflet-popup-content").is_visible()
    page.click("form.circle-recommend button")
    page.wait_for_selector(".circle-pick", timeout=15_000)
    assert outside == []  # no CDN, no tiles
    page.close()
