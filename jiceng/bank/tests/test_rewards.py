"""The Moral Alliance: partners, rewards, vouchers held, collected, cancelled and expired."""

import datetime as dt
import re
import threading
import uuid
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_person
from jiceng.bank import ledger
from jiceng.bank.models import (
    AlliancePartner,
    PartnerState,
    Redemption,
    RedemptionState,
    Reward,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.bank.queries.rewards import normalise_code
from jiceng.bank.services import rewards
from jiceng.bank.services.rewards import CODE_ALPHABET, RewardError
from jiceng.bank.verify import verify_district
from jiceng.core.models import AuditLog
from jiceng.orgs.models import Organization

# ---------------------------------------------------------------- helpers (shared by the other test modules)


def org_of(user) -> Organization:
    return Organization.objects.get(pk=user.grants.get().organization_id)


def make_partner(user, admin, address="浆洗街 1 号") -> AlliancePartner:
    p = rewards.partner_apply(
        user=user,
        organization=org_of(user),
        address=address,
        contact_name="张经理",
        contact_phone="028-85501234",
    )
    return rewards.partner_decide(user=admin, partner=p, decision="approve")


def make_reward(partner, user, **kw) -> Reward:
    today = timezone.localdate()
    fields = {
        "name": "鸡蛋一盒",
        "description": "土鸡蛋 10 枚",
        "points_price": 20,
        "stock": 10,
        "per_person_limit": 1,
        "valid_from": today - dt.timedelta(days=1),
        "valid_to": today + dt.timedelta(days=30),
        "place": "一楼服务台",
        "is_active": True,
    }
    fields.update(kw)
    return rewards.reward_create(user=user, partner=partner, **fields)


def fund(person, points: int, community=None) -> None:
    ledger.award(
        wallet=ledger.wallet_open(person),
        community=community or person.community,
        key=f"fund-{uuid.uuid4().hex}",
        amount=points,
        reason="志愿服务",
        pending=False,
    )


def wallet(person):
    w = ledger.wallet_open(person)
    w.refresh_from_db()
    return w


def redeem(person, reward):
    return rewards.redemption_create(person=person, reward=reward, request_id=uuid.uuid4().hex)


@pytest.fixture
def alliance(personas):
    a = make_partner(personas["unit"], personas["sub_admin"])
    b = make_partner(personas["outsider_unit"], personas["outsider_sub_admin"], address="外部街 9 号")
    return {
        "a": a,
        "b": b,
        "reward_a": make_reward(a, personas["unit"]),
        "reward_b": make_reward(b, personas["outsider_unit"], name="理发一次", points_price=30),
    }


# ---------------------------------------------------------------- partners


def test_it_applies_and_the_subdistrict_approves(personas, regions):
    p = rewards.partner_apply(
        user=personas["unit"],
        organization=org_of(personas["unit"]),
        address="浆洗街 1 号",
        contact_name="张经理",
        contact_phone="028-85501234",
        lon=104.05,
        lat=30.64,
    )
    assert p.state == PartnerState.APPLIED and p.subdistrict == regions["A"]
    with pytest.raises(RewardError, match="只有单位所在街道"):
        rewards.partner_decide(user=personas["outsider_sub_admin"], partner=p, decision="approve")
    rewards.partner_decide(user=personas["sub_admin"], partner=p, decision="approve")
    p.refresh_from_db()
    assert p.state == PartnerState.APPROVED and p.decided_by == personas["sub_admin"]
    assert AuditLog.objects.filter(action="alliance.approve", target_id=str(p.pk)).exists()
    assert AuditLog.objects.filter(action="alliance.apply").exists()


def test_it_rejects_with_a_reason_and_the_unit_applies_again(personas):
    p = rewards.partner_apply(
        user=personas["unit"],
        organization=org_of(personas["unit"]),
        address="x",
        contact_name="张",
        contact_phone="1",
    )
    with pytest.raises(RewardError, match="请写明原因"):
        rewards.partner_decide(user=personas["sub_admin"], partner=p, decision="reject")
    rewards.partner_decide(user=personas["sub_admin"], partner=p, decision="reject", reason="地址不详")
    p.refresh_from_db()
    assert p.state == PartnerState.REJECTED and p.decision_reason == "地址不详"
    assert AuditLog.objects.filter(action="alliance.reject", target_id=str(p.pk)).exists()
    with pytest.raises(RewardError, match="不能执行"):
        rewards.partner_decide(user=personas["sub_admin"], partner=p, decision="approve")
    again = rewards.partner_apply(
        user=personas["unit"],
        organization=org_of(personas["unit"]),
        address="浆洗街 1 号 一楼",
        contact_name="张",
        contact_phone="1",
    )
    assert again.pk == p.pk and again.state == PartnerState.APPLIED and again.decision_reason == ""


def test_it_refuses_to_apply_for_someone_elses_organisation(personas):
    with pytest.raises(RewardError, match="本人所在的单位"):
        rewards.partner_apply(
            user=personas["unit"],
            organization=org_of(personas["outsider_unit"]),
            address="x",
            contact_name="张",
            contact_phone="1",
        )


def test_it_publishes_rewards_only_when_approved(personas):
    p = rewards.partner_apply(
        user=personas["unit"],
        organization=org_of(personas["unit"]),
        address="x",
        contact_name="张",
        contact_phone="1",
    )
    with pytest.raises(RewardError, match="还没有通过"):
        make_reward(p, personas["unit"])
    rewards.partner_decide(user=personas["sub_admin"], partner=p, decision="approve")
    p.refresh_from_db()
    reward = make_reward(p, personas["unit"])
    assert reward.partner == p and AuditLog.objects.filter(action="alliance.reward_create").exists()
    with pytest.raises(RewardError, match="结束日期"):
        make_reward(p, personas["unit"], valid_to=timezone.localdate() - dt.timedelta(days=5))


def test_it_edits_and_takes_a_reward_off_the_shelf(personas, alliance):
    reward = alliance["reward_a"]
    rewards.reward_update(user=personas["unit"], reward=reward, points_price=25, is_active=False)
    reward.refresh_from_db()
    assert reward.points_price == 25 and not reward.is_active
    log = AuditLog.objects.get(action="alliance.reward_update")
    assert log.before["points_price"] == 20 and log.after["is_active"] is False
    with pytest.raises(RewardError, match="已下架"):
        redeem(personas["resident"].person, reward)


def test_a_suspended_partner_disappears_from_the_list(client, personas, alliance):
    rewards.partner_decide(
        user=personas["sub_admin"], partner=alliance["a"], decision="suspend", reason="投诉核实中"
    )
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:rewards")).content.decode()
    assert "鸡蛋一盒" not in page and "理发一次" in page


# ---------------------------------------------------------------- redeeming


def test_it_holds_points_when_redeeming(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{8}}", r.code)
    w = wallet(person)
    assert (w.posted, w.pending_out, w.available) == (50, 20, 30)
    assert r.transfer.state == TransferState.PENDING and r.transfer.kind == TransferKind.REDEMPTION
    partner_acc = ledger.partner_account(org_of(personas["unit"]))
    partner_acc.refresh_from_db()
    assert (partner_acc.posted, partner_acc.pending_in) == (0, 20)
    assert Reward.objects.get(pk=alliance["reward_a"].pk).stock == 9
    assert r.expires_at <= timezone.now() + dt.timedelta(days=rewards.VOUCHER_DAYS)


def test_it_posts_the_points_when_the_partner_collects(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    done = rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=r.code.lower())
    assert done.state == RedemptionState.COLLECTED and done.collected_by == personas["unit"]
    assert Transfer.objects.get(pk=r.transfer_id).state == TransferState.POSTED
    w = wallet(person)
    assert (w.posted, w.pending_out) == (30, 0)
    with pytest.raises(RewardError, match="领取过"):
        rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=r.code)


def test_it_returns_the_points_when_cancelled(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    rewards.redemption_cancel(redemption=r, user=personas["resident"])
    r.refresh_from_db()
    assert r.state == RedemptionState.CANCELLED
    assert Transfer.objects.get(pk=r.transfer_id).state == TransferState.VOIDED
    assert wallet(person).available == 50
    assert Reward.objects.get(pk=alliance["reward_a"].pk).stock == 10
    with pytest.raises(RewardError, match="已经取消"):
        rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=r.code)


def test_a_residents_own_cancellation_does_not_lower_the_partners_honour_rate(personas, alliance):
    from jiceng.bank.queries.rewards import partner_honour_rates

    person = personas["resident"].person
    fund(person, 100)
    own = redeem(person, alliance["reward_a"])
    rewards.redemption_cancel(redemption=own, user=personas["resident"])
    refused = redeem(person, alliance["reward_a"])
    rewards.redemption_cancel(redemption=refused, user=personas["unit"])
    kept = redeem(person, alliance["reward_a"])
    rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=kept.code)
    own.refresh_from_db()
    refused.refresh_from_db()
    assert (own.cancelled_by, own.cancelled_by_resident) == (personas["resident"], True)
    assert (refused.cancelled_by, refused.cancelled_by_resident) == (personas["unit"], False)
    today = timezone.localdate()
    # collected 1, closed 2: the partner's own cancellation counts, the resident's does not
    assert partner_honour_rates(person.district, today, today)[alliance["a"].pk] == (1, 2)


def test_it_expires_vouchers_and_returns_the_points(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    assert rewards.redemptions_expire(now=timezone.now()) == 0
    later = r.expires_at + dt.timedelta(minutes=1)
    assert rewards.redemptions_expire(now=later) == 1
    assert rewards.redemptions_expire(now=later) == 0  # cron-safe: a second run changes nothing
    r.refresh_from_db()
    assert r.state == RedemptionState.EXPIRED
    assert Transfer.objects.get(pk=r.transfer_id).state == TransferState.VOIDED
    assert wallet(person).available == 50 and Reward.objects.get(pk=alliance["reward_a"].pk).stock == 10


def test_the_expiry_command_closes_lapsed_vouchers(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    Redemption.objects.filter(pk=r.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    out = StringIO()
    call_command("bank", "expire-vouchers", stdout=out)
    assert "1 张" in out.getvalue()
    assert Redemption.objects.get(pk=r.pk).state == RedemptionState.EXPIRED


def test_it_refuses_to_collect_an_expired_voucher(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    with pytest.raises(RewardError, match="过期，不能领取。积分已退回"):
        rewards.redemption_collect(
            user=personas["unit"],
            partner=alliance["a"],
            code=r.code,
            now=r.expires_at + dt.timedelta(seconds=1),
        )
    r.refresh_from_db()
    assert r.state == RedemptionState.EXPIRED and wallet(person).available == 50


def test_a_voucher_never_outlives_the_reward(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    rewards.reward_update(user=personas["unit"], reward=alliance["reward_a"], valid_to=timezone.localdate())
    r = redeem(person, alliance["reward_a"])
    assert timezone.localtime(r.expires_at).date() == timezone.localdate() + dt.timedelta(days=1)
    assert timezone.localtime(r.expires_at).time() == dt.time(0, 0)


def test_it_enforces_the_per_person_limit(personas, alliance):
    person = personas["resident"].person
    fund(person, 100)
    redeem(person, alliance["reward_a"])
    with pytest.raises(RewardError, match="每人限兑 1 份，您已经兑换了 1 份"):
        redeem(person, alliance["reward_a"])
    assert wallet(person).available == 80
    # The refused voucher's guard ran in the ledger's statement: its hold and stock rolled back with it.
    assert Reward.objects.get(pk=alliance["reward_a"].pk).stock == 9
    assert Redemption.objects.filter(person=person).count() == 1
    assert Transfer.objects.filter(kind="redemption", debit__person=person).count() == 1


def test_it_says_how_many_points_are_missing(personas, alliance):
    person = personas["resident"].person
    fund(person, 15)
    with pytest.raises(RewardError, match="需要 20 分，您现在可用 15 分"):
        redeem(person, alliance["reward_a"])
    assert Reward.objects.get(pk=alliance["reward_a"].pk).stock == 10
    assert not Redemption.objects.exists()


def test_it_refuses_a_sold_out_reward(personas, alliance):
    rewards.reward_update(user=personas["unit"], reward=alliance["reward_a"], stock=0)
    fund(personas["resident"].person, 50)
    with pytest.raises(RewardError, match="兑完"):
        redeem(personas["resident"].person, alliance["reward_a"])


def test_a_resident_of_another_subdistrict_can_redeem(personas, regions, alliance):
    """Interconnection: points earned in B1 are good at a partner in A."""
    person = personas["outsider"].person
    fund(person, 40)
    r = redeem(person, alliance["reward_a"])
    rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=r.code)
    assert wallet(person).available == 20
    assert person.community.parent == regions["B"] and alliance["a"].subdistrict == regions["A"]


def test_replaying_a_request_returns_the_same_voucher(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    first = rewards.redemption_create(person=person, reward=alliance["reward_a"], request_id="same")
    again = rewards.redemption_create(person=person, reward=alliance["reward_a"], request_id="same")
    assert first.pk == again.pk and wallet(person).available == 30


def test_a_request_id_never_reaches_someone_elses_voucher(personas, alliance):
    mine, theirs = personas["resident"].person, personas["outsider"].person
    fund(mine, 50)
    fund(theirs, 50)
    a = rewards.redemption_create(person=mine, reward=alliance["reward_a"], request_id="shared")
    b = rewards.redemption_create(person=theirs, reward=alliance["reward_a"], request_id="shared")
    assert a.pk != b.pk and b.person == theirs
    c = rewards.redemption_create(person=theirs, reward=alliance["reward_b"], request_id="")
    assert c.pk not in (a.pk, b.pk) and c.reward == alliance["reward_b"]


def test_it_refuses_a_code_of_another_partner(personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    with pytest.raises(RewardError, match="不是本单位的"):
        rewards.redemption_collect(user=personas["outsider_unit"], partner=alliance["b"], code=r.code)
    with pytest.raises(RewardError, match="找不到兑换码"):
        rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code="ZZZZZZZZ")


def test_a_whole_flow_leaves_a_ledger_that_verifies(personas, regions, alliance):
    person = personas["resident"].person
    fund(person, 100)
    kept = redeem(person, alliance["reward_a"])
    rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=kept.code)
    dropped = redeem(person, alliance["reward_b"])
    rewards.redemption_cancel(redemption=dropped, user=personas["resident"])
    lapsed = redeem(person, make_reward(alliance["a"], personas["unit"], name="大米", points_price=10))
    rewards.redemptions_expire(now=lapsed.expires_at)
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    assert "FAILED" not in out.getvalue()
    assert verify_district(regions["district"])[0] == []
    assert wallet(person).available == 80


# ---------------------------------------------------------------- real contention


def _race(n, work):
    barrier = threading.Barrier(n)
    results: list[str] = []

    def run(i):
        try:
            barrier.wait()
            work(i)
            results.append("ok")
        except RewardError:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test
            results.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_the_last_item_is_sold_exactly_once(personas, regions, alliance):
    reward = alliance["reward_a"]
    rewards.reward_update(user=personas["unit"], reward=reward, stock=1)
    people = [make_person(regions["A1" if i % 2 else "B1"], f"抢购{i}") for i in range(6)]
    for p in people:
        fund(p, 50)
    results = _race(6, lambda i: redeem(people[i], reward))
    assert sorted(results) == ["ok"] + ["refused"] * 5, results
    assert Reward.objects.get(pk=reward.pk).stock == 0
    assert Redemption.objects.filter(reward=reward).count() == 1
    held = sum(wallet(p).pending_out for p in people)
    assert held == 20
    assert verify_district(regions["district"])[0] == []


@pytest.mark.django_db(transaction=True)
def test_points_are_never_spent_twice_at_once(personas, regions, alliance):
    person = personas["resident"].person
    fund(person, 30)
    items = [make_reward(alliance["a"], personas["unit"], name=f"物品{i}", points_price=20) for i in range(4)]
    results = _race(4, lambda i: redeem(person, items[i]))
    assert sorted(results) == ["ok", "refused", "refused", "refused"], results
    w = wallet(person)
    assert w.available == 10 and w.posted - w.pending_out >= 0
    assert sum(Reward.objects.get(pk=r.pk).stock for r in items) == 4 * 10 - 1


@pytest.mark.django_db(transaction=True)
def test_the_per_person_limit_holds_under_double_clicks(personas, regions, alliance):
    person = personas["resident"].person
    fund(person, 100)
    results = _race(4, lambda i: redeem(person, alliance["reward_a"]))
    assert sorted(results) == ["ok", "refused", "refused", "refused"], results
    assert wallet(person).available == 80


# ---------------------------------------------------------------- resident pages


def test_it_lists_rewards_of_the_residents_subdistrict_first(client, personas, alliance):
    make_reward(alliance["b"], personas["outsider_unit"], name="便宜的外街物品", points_price=1)
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:rewards")).content.decode()
    assert page.index("鸡蛋一盒") < page.index("便宜的外街物品")
    assert "还剩 10 份" in page and "20 分" in page and "一楼服务台" in page
    client.force_login(personas["outsider"])
    page = client.get(reverse("bank:rewards")).content.decode()
    assert page.index("便宜的外街物品") < page.index("鸡蛋一盒")


def test_a_resident_redeems_through_the_pages(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    client.force_login(personas["resident"])
    detail = client.get(reverse("bank:reward", args=[alliance["reward_a"].pk])).content.decode()
    assert "兑换" in detail and reverse("bank:reward_redeem", args=[alliance["reward_a"].pk]) in detail
    confirm = client.get(reverse("bank:reward_redeem", args=[alliance["reward_a"].pk])).content.decode()
    request_id = re.search(r'name="request_id" value="(\w+)"', confirm).group(1)
    response = client.post(
        reverse("bank:reward_redeem", args=[alliance["reward_a"].pk]), {"request_id": request_id}
    )
    r = Redemption.objects.get()
    assert response.status_code == 302 and response.url == reverse("bank:voucher", args=[r.pk])
    page = client.get(response.url).content.decode()
    assert "<svg" in page and r.code[:4] in page and "一楼服务台" in page
    listing = client.get(reverse("bank:my_vouchers")).content.decode()
    assert "<svg" in listing and r.code[:4] in listing
    client.post(reverse("bank:voucher_cancel", args=[r.pk]), {"confirmed": "1"})
    assert Redemption.objects.get().state == RedemptionState.CANCELLED


def test_the_redeem_page_shows_why_it_was_refused(client, personas, alliance):
    fund(personas["resident"].person, 5)
    client.force_login(personas["resident"])
    page = client.post(reverse("bank:reward_redeem", args=[alliance["reward_a"].pk]), {"request_id": "x"})
    assert "积分不够" in page.content.decode()


def test_my_vouchers_gives_back_points_of_lapsed_vouchers(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    Redemption.objects.filter(pk=r.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(personas["resident"])
    assert "已过期" in client.get(reverse("bank:my_vouchers")).content.decode()
    assert wallet(person).available == 50


def test_an_outsider_cannot_see_or_cancel_another_residents_voucher(client, personas, alliance):
    fund(personas["resident"].person, 50)
    r = redeem(personas["resident"].person, alliance["reward_a"])
    client.force_login(personas["outsider"])
    assert client.get(reverse("bank:voucher", args=[r.pk])).status_code == 404
    assert client.post(reverse("bank:voucher_cancel", args=[r.pk])).status_code == 404
    assert r.code not in client.get(reverse("bank:my_vouchers")).content.decode()
    client.force_login(personas["unit"])
    assert client.get(reverse("bank:voucher", args=[r.pk])).status_code == 404


def test_resident_pages_are_not_for_other_roles(client, personas, alliance):
    client.force_login(personas["unit"])
    for name, args in [
        ("bank:rewards", []),
        ("bank:reward", [alliance["reward_a"].pk]),
        ("bank:reward_redeem", [alliance["reward_a"].pk]),
        ("bank:my_vouchers", []),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_an_unpublished_reward_is_not_found(client, personas, alliance):
    rewards.reward_update(user=personas["unit"], reward=alliance["reward_a"], is_active=False)
    client.force_login(personas["resident"])
    assert client.get(reverse("bank:reward", args=[alliance["reward_a"].pk])).status_code == 404


# ---------------------------------------------------------------- partner pages


def test_a_unit_applies_through_its_page(client, personas, regions):
    client.force_login(personas["unit"])
    page = client.get(reverse("bank:partner_home"))
    assert page.status_code == 200 and "申请加入道德联盟" in page.content.decode()
    for name in ("bank:partner_scan", "bank:partner_redemptions", "bank:partner_statement"):
        assert client.get(reverse(name)).status_code == 200, name
    client.post(
        reverse("bank:partner_home"), {"address": "浆洗街 1 号", "contact_name": "张", "contact_phone": "1"}
    )
    p = AlliancePartner.objects.get()
    assert p.state == PartnerState.APPLIED and p.subdistrict == regions["A"]
    assert "待审批" in client.get(reverse("bank:partner_home")).content.decode()


def test_a_partner_publishes_and_edits_through_its_pages(client, personas, alliance):
    client.force_login(personas["unit"])
    today = timezone.localdate()
    data = {
        "name": "理发",
        "description": "",
        "points_price": 15,
        "stock": 5,
        "per_person_limit": 1,
        "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=9)).isoformat(),
        "place": "二楼",
        "is_active": "on",
    }
    assert client.post(reverse("bank:reward_create"), data).status_code == 302
    reward = Reward.objects.get(name="理发")
    data.update(stock=3, is_active="")
    data.pop("is_active")
    assert client.post(reverse("bank:reward_edit", args=[reward.pk]), data).status_code == 302
    reward.refresh_from_db()
    assert reward.stock == 3 and not reward.is_active
    assert "理发" in client.get(reverse("bank:partner_home")).content.decode()


def test_a_partner_collects_through_the_scan_page(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    client.force_login(personas["unit"])
    page = client.get(
        reverse("bank:partner_scan"), {"code": f"{r.code[:4]} {r.code[4:]}".lower()}
    ).content.decode()
    assert person.masked_name in page and "确认领取" in page
    response = client.post(reverse("bank:partner_scan"), {"code": r.code, "confirm": "1"})
    assert response.status_code == 302
    assert Redemption.objects.get(pk=r.pk).state == RedemptionState.COLLECTED
    again = client.post(reverse("bank:partner_scan"), {"code": r.code, "confirm": "1"}).content.decode()
    assert "领取过" in again


def test_partner_b_cannot_see_or_touch_partner_as_redemptions(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=r.code)
    fund(personas["outsider"].person, 50)
    other = redeem(personas["outsider"].person, alliance["reward_a"])
    client.force_login(personas["outsider_unit"])
    assert r.code not in client.get(reverse("bank:partner_redemptions")).content.decode()
    assert r.code not in client.get(reverse("bank:partner_statement")).content.decode()
    assert client.post(reverse("bank:partner_cancel", args=[other.pk])).status_code == 404
    assert client.get(reverse("bank:reward_edit", args=[alliance["reward_a"].pk])).status_code == 404
    scan = client.get(reverse("bank:partner_scan"), {"code": other.code}).content.decode()
    assert "不是本单位的" in scan and person.masked_name not in scan
    wb = load_workbook(BytesIO(client.get(reverse("bank:partner_statement_xlsx")).content))
    assert all(r.code not in str(c.value) for row in wb["兑换明细"].iter_rows() for c in row)
    assert Redemption.objects.get(pk=other.pk).state == RedemptionState.PENDING


def test_partner_pages_are_not_for_other_roles(client, personas, alliance):
    client.force_login(personas["resident"])
    for name in (
        "bank:partner_home",
        "bank:partner_scan",
        "bank:partner_redemptions",
        "bank:partner_statement",
        "bank:partner_statement_xlsx",
        "bank:reward_create",
    ):
        assert client.get(reverse(name)).status_code == 404, name


def test_a_partner_cancels_a_voucher(client, personas, alliance):
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    client.force_login(personas["unit"])
    assert client.post(reverse("bank:partner_cancel", args=[r.pk]), {"confirmed": "1"}).status_code == 302
    assert (
        Redemption.objects.get(pk=r.pk).state == RedemptionState.CANCELLED and wallet(person).available == 50
    )


def test_the_monthly_statement_adds_up_and_exports(client, personas, alliance):
    for i in range(3):
        p = make_person(personas["resident"].person.community, f"居民{i}")
        fund(p, 50)
        r = redeem(p, alliance["reward_a"])
        rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=r.code)
    fund(personas["resident"].person, 50)
    redeem(personas["resident"].person, alliance["reward_a"])  # still pending: not on the statement
    client.force_login(personas["unit"])
    page = client.get(reverse("bank:partner_statement")).content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    assert f"?month={month}" in page and '<td class="num">3</td><td class="num">60</td>' in page
    response = client.get(reverse("bank:partner_statement_xlsx"), {"month": month})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(response.content))
    assert wb.sheetnames == ["月度汇总", "兑换明细", "说明"]
    assert [c.value for c in wb["月度汇总"][2]] == [month, 3, 60]
    assert wb["兑换明细"].max_row == 4  # header and three collected vouchers; the pending one is not in it
    assert AuditLog.objects.filter(action="alliance.statement_export", actor=personas["unit"]).exists()


# ---------------------------------------------------------------- approving partners


def test_the_subdistrict_approves_through_its_page(client, personas):
    p = rewards.partner_apply(
        user=personas["unit"],
        organization=org_of(personas["unit"]),
        address="x",
        contact_name="张",
        contact_phone="1",
    )
    client.force_login(personas["outsider_sub_admin"])
    assert "示范单位" not in client.get(reverse("bank:partner_review")).content.decode()
    assert (
        client.post(reverse("bank:partner_decide", args=[p.pk]), {"decision": "approve"}).status_code == 404
    )
    client.force_login(personas["sub_admin"])
    assert "示范单位" in client.get(reverse("bank:partner_review")).content.decode()
    client.post(reverse("bank:partner_decide", args=[p.pk]), {"decision": "approve"})
    assert AlliancePartner.objects.get(pk=p.pk).state == PartnerState.APPROVED
    client.force_login(personas["district_admin"])
    assert "示范单位" in client.get(reverse("bank:partner_review")).content.decode()


def test_the_approval_page_is_not_for_others(client, personas):
    p = rewards.partner_apply(
        user=personas["unit"],
        organization=org_of(personas["unit"]),
        address="x",
        contact_name="张",
        contact_phone="1",
    )
    for who in ("worker", "unit", "resident"):
        client.force_login(personas[who])
        assert client.get(reverse("bank:partner_review")).status_code == 404
        assert (
            client.post(reverse("bank:partner_decide", args=[p.pk]), {"decision": "approve"}).status_code
            == 404
        )
    assert AlliancePartner.objects.get(pk=p.pk).state == PartnerState.APPLIED


def test_a_code_typed_in_full_width_on_a_phone_keyboard_still_finds_the_voucher(client, personas, alliance):
    """A Chinese keyboard in full-width mode types "ＡＢ１２"; the code is normalised (NFKC) first."""
    person = personas["resident"].person
    fund(person, 50)
    r = redeem(person, alliance["reward_a"])
    typed = "".join(chr(ord(c) + 0xFEE0) for c in r.code.lower())  # the full-width forms
    typed = f"{typed[:4]}\u3000{typed[4:]}－"  # an ideographic space and a full-width dash as well
    assert normalise_code(typed) == r.code
    assert normalise_code("兑换码一二三") == ""  # Chinese characters are letters to Python, never a code
    client.force_login(personas["unit"])
    page = client.get(reverse("bank:partner_scan"), {"code": typed}).content.decode()
    assert person.masked_name in page and "确认领取" in page
    done = rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=typed)
    assert done.state == RedemptionState.COLLECTED
