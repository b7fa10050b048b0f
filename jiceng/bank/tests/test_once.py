"""Forms that move points or stock take effect once per rendered form; destructive ones ask first.

A re-post of the same rendered form (the back button, a second tap, a page the browser
fetched again) answers with the first result; the bank's own pages show a voucher's real state.
"""

import datetime as dt
import re
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from jiceng.bank.models import Objection, ObjectionState, Redemption, RedemptionState
from jiceng.bank.services.objections import objection_file
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.tests import test_rewards
from jiceng.bank.tests.factories import file_claim
from jiceng.bank.tests.test_rewards import fund, make_reward, redeem, wallet

alliance = test_rewards.alliance  # the fixture: a partner and a reward in each subdistrict
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _token(html: str) -> str:
    return re.search(r'name="request_id" value="([\w-]+)"', html).group(1)


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_back_button_then_confirm_again_returns_the_first_voucher(client, personas, alliance):
    """The reward page hands its id to the confirm page, so a confirm page fetched again posts the same id."""
    person = personas["resident"].person
    fund(person, 100)
    reward = make_reward(alliance["a"], personas["unit"], name="理发券", per_person_limit=3)
    client.force_login(personas["resident"])
    detail = client.get(reverse("bank:reward", args=[reward.pk])).content.decode()
    link = re.search(r'href="(/bank/rewards/\d+/redeem/\?rid=[\w-]+)"', detail).group(1)
    first = client.post(link, {"request_id": _token(client.get(link).content.decode())})
    again = client.get(link).content.decode()  # the back button: the browser fetches the page again
    second = client.post(link, {"request_id": _token(again)}, follow=True)
    voucher = Redemption.objects.get()
    assert first.url == reverse("bank:voucher", args=[voucher.pk])
    assert second.redirect_chain[-1][0] == first.url
    assert "已经提交过" in _messages(second)
    assert (wallet(person).pending_out, Redemption.objects.count()) == (20, 1)


def test_a_reward_page_says_when_the_per_person_limit_is_reached(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 100)
    redeem(person, alliance["reward_a"])  # per_person_limit is 1
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:reward", args=[alliance["reward_a"].pk])).content.decode()
    assert "已达每人限兑" in page and "?rid=" not in page
    confirm = client.get(reverse("bank:reward_redeem", args=[alliance["reward_a"].pk])).content.decode()
    assert "已达每人限兑" in confirm and "disabled" in confirm and 'name="request_id"' not in confirm


def test_a_donation_posted_twice_from_one_page_is_given_once(client, personas):
    person = personas["resident"].person
    fund(person, 50)
    client.force_login(personas["resident"])
    token = _token(client.get(reverse("bank:give")).content.decode())
    data = {"to": "pool", "points": 10, "message": "", "request_id": token}
    client.post(reverse("bank:give"), data)
    again = client.post(reverse("bank:give"), data, follow=True)
    assert "已经提交过" in _messages(again)
    assert wallet(person).available == 40


def test_collecting_twice_from_one_page_shows_the_first_collection(client, personas, alliance):
    fund(personas["resident"].person, 50)
    r = redeem(personas["resident"].person, alliance["reward_a"])
    client.force_login(personas["unit"])
    page = client.get(reverse("bank:partner_scan") + f"?code={r.code}").content.decode()
    data = {"code": r.code, "confirm": "1", "request_id": _token(page)}
    client.post(reverse("bank:partner_scan"), data)
    again = client.post(reverse("bank:partner_scan"), data, follow=True)
    assert "已经提交过" in _messages(again) and "不能重复领取" not in _messages(again)
    assert Redemption.objects.get().state == RedemptionState.COLLECTED


def test_cancelling_a_voucher_asks_first_and_happens_once(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:voucher", args=[r.pk])).content.decode()
    assert "data-confirm=" in page
    url, token = reverse("bank:voucher_cancel", args=[r.pk]), _token(page)
    asked = client.post(url, {"request_id": token})  # no JavaScript: the server asks
    assert asked.status_code == 200 and "确认取消兑换" in asked.content.decode()
    assert f'value="{token}"' in asked.content.decode()
    assert Redemption.objects.get().state == RedemptionState.PENDING
    client.post(url, {"request_id": token, "confirmed": "1"})
    again = client.post(url, {"request_id": token, "confirmed": "1"}, follow=True)
    assert "已经提交过" in _messages(again) and "已经取消" not in _messages(again)
    assert Redemption.objects.get().state == RedemptionState.CANCELLED
    assert wallet(person).available == 50


def test_upholding_an_objection_is_a_secondary_button_that_asks_first(client, personas, rules):
    me = personas["resident"]
    claim = claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    objection = objection_file(user=personas["outsider"], notice=claim.notice, reason="当天他不在社区")
    client.force_login(personas["worker"])
    board = client.get(reverse("bank:notices", args=[claim.community.code])).content.decode()
    button = re.search(r'<button[^>]*value="1"[^>]*>异议成立，作废', board).group(0)
    assert 'class="btn secondary"' in button and "data-confirm=" in button
    url = reverse("bank:objection_decide", args=[objection.pk])
    data = {"uphold": "1", "reason": "经核实不属实", "request_id": _token(board)}
    assert "确认异议成立并作废" in client.post(url, data).content.decode()
    assert Objection.objects.get().state == ObjectionState.OPEN
    client.post(url, data | {"confirmed": "1"})
    assert Objection.objects.get().state == ObjectionState.UPHELD


def test_an_expired_voucher_shows_its_real_state_everywhere_at_once(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    Redemption.objects.filter(pk=r.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:voucher", args=[r.pk])).content.decode()
    assert "已过期" in page and "待领取" not in page and "<svg" not in page and "请在" not in page
    assert wallet(person).available == 50
    r2 = redeem(person, make_reward(alliance["a"], personas["unit"], name="理发券"))
    Redemption.objects.filter(pk=r2.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(personas["unit"])
    scan = client.get(reverse("bank:partner_scan") + f"?code={r2.code}").content.decode()
    assert "确认领取" not in scan and "已过期" in scan
    assert r2.code not in client.get(reverse("bank:partner_redemptions") + "?state=pending").content.decode()


def test_the_pages_that_move_points_carry_no_inline_script():
    pages = [
        p for d in ("claims", "giving", "notices", "rewards") for p in (TEMPLATES / "bank" / d).glob("*.html")
    ]
    for path in [*pages, TEMPLATES / "bank" / "my_points.html", TEMPLATES / "core" / "confirm.html"]:
        text = path.read_text()
        assert not re.search(r"\son[a-z]+\s*=", text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path


def test_a_claim_form_sent_twice_files_one_claim(client, personas, rules):
    """The back button after filing, then 提交 again, lands on the first result; a fresh form files anew."""
    from jiceng.bank.models import DeedClaim

    client.force_login(personas["resident"])
    token = _token(client.get(reverse("bank:claim_new")).content.decode())
    data = {
        "rule": rules["helping"].pk,
        "deed_date": timezone.localdate().isoformat(),
        "text": "扶老人过马路",
        "request_id": token,
    }
    first = client.post(reverse("bank:claim_new"), data)
    again = client.post(reverse("bank:claim_new"), data, follow=True)
    assert first.status_code == 302 and again.redirect_chain[-1][0] == first.url
    assert "已经提交过" in _messages(again)
    assert DeedClaim.objects.filter(claimant=personas["resident"].person).count() == 1
    fresh = _token(client.get(reverse("bank:claim_new")).content.decode())
    assert fresh != token
    client.post(reverse("bank:claim_new"), data | {"request_id": fresh})
    assert DeedClaim.objects.filter(claimant=personas["resident"].person).count() == 2
