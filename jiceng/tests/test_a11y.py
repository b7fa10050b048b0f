"""Elderly mode (适老化) and WCAG 2.1 AA on a 360 px phone, measured in a real browser.

Every resident page and the worker's main pages, at each text size (标准, 大, 特大):
- axe-core finds no serious or critical violation;
- exactly one <h1>, and nothing wider than the screen;
- in both elderly sizes the smallest visible text is at least 18 px with line height at least 1.3,
  and the smallest control is at least 60×60 px; at the standard size every control is at least
  24×24 px (WCAG 2.2) and buttons and fields at least 44 px tall.

A link inside a sentence of running text is excepted from the target sizes (as WCAG 2.5.8 does):
a link is "in running text" when it is displayed inline and the nearest block around it holds
words of its own that are not inside a link, a button or a field, i.e. the link is part of a
sentence (…，请<a>登录</a>后再提出异议). Everything else that can be tapped is a control.
"""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from jiceng.tests.outsiders_world import build_world
from jiceng.tests.test_layout_360 import HEIGHT, MODES, WIDTH, resident_pages, resident_phone

pytestmark = pytest.mark.django_db(transaction=True)

ELDERLY_TEXT_PX = 18
ELDERLY_TARGET_PX = 60
TARGET_PX = 24
MAIN_CONTROL_PX = 44
LINE_HEIGHT = 1.3

MEASURE = """() => {
  const shown = el => {
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === 'none' || cs.visibility === 'hidden' || parseFloat(cs.opacity) === 0) return false;
    }
    const r = el.getBoundingClientRect();
    // Drawn and on the page (the skip link waits above the page until it is focused).
    return r.width > 1 && r.height > 1 && r.bottom + scrollY > 0 && r.right + scrollX > 0;
  };
  const name = el => (el.innerText || el.value || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 30);
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || el.closest('script, style, svg, option') || !shown(el)) continue;
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    const lh = cs.lineHeight === 'normal' ? null : parseFloat(cs.lineHeight) / size;
    texts.push({text: n.textContent.trim().slice(0, 30), size, lh});
  }
  const blockOf = el => {
    let p = el.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement;
    return p;
  };
  const ownWords = (block, link) => {
    const w = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      if (!/[\\p{L}\\p{N}]/u.test(n.textContent)) continue;
      const p = n.parentElement;
      if (link.contains(n) || p.closest('a, button, input, select, textarea, label, summary')) continue;
      if (blockOf(n) === block || (blockOf(p) === block)) return true;
    }
    return false;
  };
  const controls = [];
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, .btn';
  for (const el of document.querySelectorAll(sel)) {
    if (!shown(el)) continue;
    const cs = getComputedStyle(el);
    if (el.matches('a') && cs.display === 'inline' && ownWords(blockOf(el), el)) continue;
    const r = el.getBoundingClientRect();
    const main = el.matches('button, .btn, select, textarea, input:not([type=checkbox]):not([type=radio])');
    controls.push({name: name(el), w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10, main});
  }
  return {texts, controls, h1: document.querySelectorAll('h1').length,
          wide: [document.documentElement.scrollWidth, innerWidth]};
}"""


def worker_pages(w) -> dict[str, str]:
    return {
        "workbench": reverse("portal:workbench"),
        "review": reverse("bank:review"),
        # the board as the community's worker sees it, with the open objection's decision form
        "board": reverse("bank:notices", kwargs={"code": w["community"].code}),
        "office_claim": reverse("bank:office_claim"),
    }


def page_problems(page, axe, size: str) -> dict:
    found = {}
    serious = [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}): {v['nodes'][0]['target']}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    if serious:
        found["axe"] = serious
    m = page.evaluate(MEASURE)
    if m["h1"] != 1:
        found["h1 count"] = m["h1"]
    if m["wide"][0] > m["wide"][1]:
        found["scrollWidth/innerWidth"] = m["wide"]
    if size == "normal":
        small = [c for c in m["controls"] if min(c["w"], c["h"]) < TARGET_PX]
        short = [c for c in m["controls"] if c["main"] and c["h"] < MAIN_CONTROL_PX]
        if small or short:
            found["controls under 24×24 or main controls under 44 px"] = small + short
    else:
        tiny = sorted({(t["text"], t["size"]) for t in m["texts"] if t["size"] < ELDERLY_TEXT_PX - 0.01})
        tight = sorted(
            {t["text"] for t in m["texts"] if t["lh"] is not None and t["lh"] < LINE_HEIGHT - 0.01}
        )
        small = [c for c in m["controls"] if min(c["w"], c["h"]) < ELDERLY_TARGET_PX - 0.01]
        if tiny:
            found["text under 18 px"] = tiny[:10]
        if tight:
            found["line height under 1.3"] = tight[:10]
        if small:
            found["controls under 60×60"] = small[:10]
    return found


@pytest.mark.parametrize("size", list(MODES))
def test_resident_and_worker_pages_meet_the_elderly_and_wcag_rules(
    browser, live_server, regions, personas, size
):
    w = build_world(regions, personas)
    axe = Axe()
    problems = {}
    # Before signing in: the login page, at this size.
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    context.add_cookies([{"name": "large_type", "value": MODES[size], "url": live_server.url}])
    page = context.new_page()
    assert page.goto(live_server.url + reverse("login")).status == 200
    found = page_problems(page, axe, size)
    if found:
        problems["anonymous:login"] = found
    context.close()
    homes = {"resident": reverse("portal:resident_home"), "worker": reverse("portal:workbench")}
    for who, pages in (("resident", resident_pages(w)), ("worker", worker_pages(w))):
        context, page = resident_phone(
            browser, live_server.url, personas[who].username, mode=size, home=homes[who]
        )
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, (who, name)
            found = page_problems(page, axe, size)
            if found:
                problems[f"{who}:{name}"] = found
        context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_wechat_larger_text_keeps_every_resident_page_within_the_screen(
    browser, live_server, regions, personas
):
    """WeChat's font-size setting scales the page's text; at double size nothing may overflow sideways."""
    w = build_world(regions, personas)
    context, page = resident_phone(browser, live_server.url, personas["resident"].username)
    wide = {}
    for name, path in resident_pages(w).items():
        page.goto(live_server.url + path)
        page.evaluate(
            "() => { const s = document.documentElement.style;"
            " s.webkitTextSizeAdjust = '200%'; s.fontSize = '32px'; }"
        )
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 32
        size = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if size[0] > size[1]:
            wide[name] = size
    context.close()
    assert not wide, wide


def test_the_text_size_button_says_its_state_and_the_next_step_and_works_without_javascript(
    browser, live_server, personas
):
    for javascript in (True, False):
        context = browser.new_context(
            viewport={"width": WIDTH, "height": HEIGHT}, java_script_enabled=javascript
        )
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        button = page.locator("button.text-size")
        seen = []
        for _ in range(4):
            seen.append(
                (
                    page.evaluate("document.documentElement.className").strip(),
                    button.get_attribute("aria-pressed"),
                    " ".join(button.inner_text().split()),
                )
            )
            button.click()
            page.wait_for_load_state()
        page.reload()
        cookie = {c["name"]: c["value"] for c in context.cookies()}["large_type"]
        context.close()
        assert seen == [
            ("", "false", "字号：标准 → 点一下变大"),
            ("large-type", "true", "字号：大 → 点一下变特大"),
            ("large-type xl-type", "true", "字号：特大 → 点一下恢复标准"),
            ("", "false", "字号：标准 → 点一下变大"),
        ], javascript
        assert cookie == "1"


def test_the_language_changes_only_by_its_own_button_in_the_footer(browser, live_server, personas):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    page.goto(live_server.url + "/login/")
    assert page.locator(".topbar select, .topbar [name=language]").count() == 0
    page.locator("footer button[value=en]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.locator("footer button[value=zh-hans]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "zh-hans"


def test_the_skip_link_is_the_first_tab_stop_and_lands_on_the_content(browser, live_server, personas):
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN")
    page.goto(live_server.url + "/login/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "跳到正文"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
