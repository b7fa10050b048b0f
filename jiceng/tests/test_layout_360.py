"""Every resident page on a 360 px phone, at each text size: nothing overflows, no short label breaks.

Screenshots go to var/screenshots/ (not committed) so a person can look at them.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD
from jiceng.tests.outsiders_world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTH, HEIGHT = 360, 780

# Text nodes of at most this many characters, inside these elements, must sit on one line.
SHORT = 6
LABELS = "a, button, th, label, .pill, .tile, nav.menu a, .btn, td.num small, td.num strong"

BROKEN_LABELS = """([selector, short]) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.offsetParent) continue;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent.trim();
      if (!text || text.length > short) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(text);
    }
  }
  return [...new Set(broken)];
}"""


def resident_pages(w) -> dict[str, str]:
    return {
        "home": reverse("portal:resident_home"),
        "my_points": reverse("bank:my_points"),
        "claim_new": reverse("bank:claim_new"),
        "my_claims": reverse("bank:my_claims"),
        "notices": reverse("bank:notices", kwargs={"code": w["community"].code}),
        "rewards": reverse("bank:rewards"),
        "reward": reverse("bank:reward", kwargs={"pk": w["reward"].pk}),
        "vouchers": reverse("bank:my_vouchers"),
        "voucher": reverse("bank:voucher", kwargs={"pk": w["redemption"].pk}),
        "give": reverse("bank:give"),
        "diary": reverse("diary:list"),
        "community": reverse("portal:community", kwargs={"code": w["community"].code}),
        "activities": reverse("activities:list"),
    }


# The text size cookie by mode: 标准, 大, 特大.
MODES = {"normal": "0", "large": "1", "xl": "2"}


def resident_phone(
    browser, base: str, username: str, *, mode: str = "normal", width: int = WIDTH, home: str = "/me/"
):
    """A phone (360 px unless told) signed in as the resident (or whoever lands on `home`), at the mode's text size."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, locale="zh-CN")
    context.add_cookies([{"name": "large_type", "value": MODES[mode], "url": base}])
    page = context.new_page()
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + home)
    return context, page


@pytest.mark.parametrize("mode", list(MODES))
def test_every_resident_page_fits_a_360_px_phone(browser, live_server, regions, personas, mode):
    w = build_world(regions, personas)
    context, page = resident_phone(browser, live_server.url, personas["resident"].username, mode=mode)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for name, path in resident_pages(w).items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        page.screenshot(path=str(SHOTS / f"{name}-{mode}.png"), full_page=True)
        wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        broken = page.evaluate(BROKEN_LABELS, [LABELS, SHORT])
        if wide[0] > wide[1] or broken:
            problems[name] = {"scrollWidth/innerWidth": wide, "labels broken mid-word": broken}
    context.close()
    assert not problems, problems


def test_on_a_phone_the_home_page_is_the_menu_and_every_page_leads_back_home(
    browser, live_server, regions, personas
):
    """No strip menu to swipe on a phone: every menu entry is a tile or a 更多服务 link on the home
    page, on screen, and every other resident page has a visible 返回首页 link; desktops keep the strip."""
    w = build_world(regions, personas)
    context, page = resident_phone(browser, live_server.url, personas["resident"].username, mode="xl")
    page.goto(live_server.url + reverse("portal:resident_home"))
    menu = page.evaluate("[...document.querySelectorAll('nav.menu a')].map(a => a.getAttribute('href'))")
    assert len(menu) >= 10 and page.locator("nav.menu").is_hidden()
    shown = page.evaluate(
        """() => [...document.querySelectorAll('main a')]
             .filter(a => { const r = a.getBoundingClientRect();
                            return r.width > 0 && r.left >= 0 && r.right <= innerWidth; })
             .map(a => a.getAttribute('href'))"""
    )
    assert set(menu) - {reverse("portal:resident_home")} <= set(shown), set(menu) - set(shown)
    home = reverse("portal:resident_home")
    for name, path in resident_pages(w).items():
        page.goto(live_server.url + path)
        back = page.locator(".topbar a.home-link")
        if path == home:
            assert back.count() == 0
        else:
            assert back.is_visible() and back.get_attribute("href") == home, name
    context.close()
    context, page = resident_phone(browser, live_server.url, personas["resident"].username, width=1280)
    page.goto(live_server.url + reverse("bank:rewards"))
    assert page.locator("nav.menu").is_visible() and page.locator(".phone-nav").count() == 0
    page.goto(live_server.url + home)
    assert page.locator(".phone-nav").is_hidden()
    context.close()
