"""In a real Chromium: a resident asks "were my points altered?" and the page checks in the browser."""

import pytest

from conftest import PASSWORD
from jiceng.bank import ledger, log
from jiceng.bank.models import Transfer

pytestmark = pytest.mark.django_db(transaction=True)


def resident_on_log_page(browser, base, username, district_code):
    page = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN").new_page()
    page.goto(base + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/bank/log/{district_code}/")
    return page


@pytest.fixture
def history(personas, regions):
    """Three posted awards in the signed log and one still on notice."""
    person = personas["resident"].person
    wallet = ledger.wallet_open(person)
    for i, reason in enumerate(["扶老人过马路", "清理楼道", "志愿服务"]):
        ledger.award(
            wallet=wallet,
            community=person.community,
            key=f"h-{i}",
            amount=2 + i,
            reason=reason,
            pending=False,
        )
    ledger.award(wallet=wallet, community=person.community, key="h-pending", amount=5, reason="公示中")
    log.checkpoint(regions["district"])
    return wallet


def test_a_resident_checks_their_record_and_is_told_it_is_intact(
    browser, live_server, personas, regions, history
):
    page = resident_on_log_page(
        browser, live_server.url, personas["resident"].username, regions["district"].code
    )
    assert "我的积分记录没有被改过吗？" in page.inner_text("h1")
    assert not page.is_visible("text=RFC 6962")  # the engineers' words wait behind "给审计人员"
    page.click("button:has-text('检查我的积分记录')")
    page.wait_for_selector("#ledger-result[data-state=ok]")
    verdict = page.inner_text("#ledger-result")
    assert "您的 3 条积分记录都在公开账本里，没有被改过" in verdict
    assert "另有 1 条积分还在公示中" in verdict
    assert "清理楼道 +3 分" in verdict

    page.click("summary:has-text('给审计人员')")
    assert page.is_visible("text=python -m jiceng.transparency verify")
    assert log.verifier_key() in page.inner_text("#auditors")


def test_a_record_altered_after_it_was_signed_is_reported(browser, live_server, personas, regions, history):
    # Someone with database access changes a signed award afterwards.
    Transfer.objects.filter(key="h-1").update(reason="清理楼道（改）")
    page = resident_on_log_page(
        browser, live_server.url, personas["resident"].username, regions["district"].code
    )
    page.click("button:has-text('检查我的积分记录')")
    page.wait_for_selector("#ledger-result[data-state=bad]")
    assert "和公开账本对不上，账本可能被改过" in page.inner_text("#ledger-result")


def test_a_visitor_is_asked_to_sign_in_first(browser, live_server, regions):
    page = browser.new_page()
    page.goto(f"{live_server.url}/bank/log/{regions['district'].code}/")
    assert page.is_visible("a:has-text('登录后检查我的积分记录')")
    assert not page.is_visible("button:has-text('检查我的积分记录')")
