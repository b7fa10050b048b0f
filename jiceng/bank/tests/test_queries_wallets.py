"""Reads of a resident's wallet: nothing is opened by reading, entries are signed and read plainly, proofs follow checkpoints."""

import uuid

from django.urls import reverse

from conftest import make_person
from jiceng.bank import ledger, log
from jiceng.bank.models import Account
from jiceng.bank.queries.wallets import entry_ids_in_log, entry_list_recent, wallet_get
from jiceng.bank.services import giving, rewards
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward


def test_reading_a_wallet_never_opens_one(personas):
    assert wallet_get(personas["resident"].person) is None
    assert not Account.objects.filter(person=personas["resident"].person).exists()
    assert wallet_get(personas["resident"].person) is None


def test_entries_are_signed_from_the_wallets_side(regions):
    giver = funded_wallet(regions["A1"], 20, name="捐赠人")
    pool = ledger.love_pool(regions["A1"])
    ledger.transfer(
        district=giver.district_id,
        key="give-1",
        debit=giver,
        credit=pool,
        amount=5,
        kind="donation",
        reason="捐",
    )
    newest, award = entry_list_recent(giver)
    assert (newest.signed_amount, newest.incoming, newest.other) == (-5, False, pool)
    assert (award.signed_amount, award.incoming) == (20, True)


def test_entries_count_as_logged_once_a_checkpoint_covers_them(regions):
    wallet = funded_wallet(regions["A1"], 10)
    entries = entry_list_recent(wallet)
    assert entry_ids_in_log(wallet, entries) == set()
    log.checkpoint(regions["district"])
    assert entry_ids_in_log(wallet, entries) == {entries[0].pk}
    assert entry_ids_in_log(wallet, []) == set()


def test_every_line_says_what_happened_and_to_whom(client, personas, regions):
    """A voided redemption took nothing, a gift names its recipient to the donor, held points say so."""

    me, worker = personas["resident"], personas["worker"]
    fund(me.person, 100)
    reward = make_reward(
        make_partner(personas["unit"], personas["sub_admin"]), personas["unit"], points_price=80
    )
    voucher = rewards.redemption_create(person=me.person, reward=reward, request_id=uuid.uuid4().hex)
    rewards.redemption_cancel(redemption=voucher, user=me)
    rewards.redemption_create(person=me.person, reward=reward, request_id=uuid.uuid4().hex)
    neighbour = make_person(regions["A1"], "丁香兰")
    need = giving.person_in_need_name(
        user=worker, community=regions["A1"], person=neighbour, reason="独居老人"
    )
    giving.donation_create(person=me.person, points=10, recipient=need, request_id="g1")
    lines = {t.pk: t for t in entry_list_recent(wallet_get(me.person))}
    gift, held, cancelled = sorted(lines.values(), key=lambda t: -t.pk)[:3]
    assert (
        gift.line == f"您赠予 {neighbour.masked_name} 的爱心积分" and me.person.masked_name not in gift.line
    )
    assert (held.moved, held.status) == (-80, "积分已冻结，领取时才扣除")
    assert cancelled.moved == 0 and "没有扣分" in cancelled.status and "已取消" in cancelled.status
    client.force_login(me)
    page = client.get(reverse("bank:my_points")).content.decode()
    assert "待定" not in page and "您赠予" in page and "没有扣分" in page
    assert f"{neighbour.masked_name} 赠予" not in page
    home = client.get(reverse("portal:resident_home")).content.decode()
    assert "待定" not in home and "您赠予" in home and "没有扣分" in home
    assert f"{neighbour.masked_name} 赠予" not in home


def test_the_latest_entries_merge_both_sides_newest_first(regions):
    """In and out, interleaved: the newest `limit` of them, whichever side each is on."""
    a1 = regions["A1"]
    me, other = funded_wallet(a1, 100, name="甲"), funded_wallet(a1, 100, name="乙")
    made = []
    for i in range(12):
        src, dst = (me, other) if i % 3 else (other, me)
        made.append(
            ledger.transfer(
                district=regions["district"],
                debit=src,
                credit=dst,
                key=f"mix-{i}",
                amount=1,
                reason="往来",
                kind="donation",
            ).pk
        )
    got = [t.pk for t in entry_list_recent(me, 5)]
    assert got == sorted(made, reverse=True)[:5]
    assert len(entry_list_recent(me, 50)) == 13  # the twelve and the seed award


def test_the_wallet_page_shows_twenty_entries_and_pages_back_through_the_older_ones(
    client, personas, regions
):
    """A phone screen's worth at a time: the newest 20, then 更早的记录 for the next 20 older, until none
    are left; a cursor that is not an id shows the newest page."""
    from conftest import login_client

    me = ledger.wallet_open(personas["resident"].person)
    ledger.award(
        wallet=me, community=regions["A1"], key="page-seed", amount=100, reason="初始积分", pending=False
    )
    other = funded_wallet(regions["A1"], 0, name="乙")
    made = [
        ledger.transfer(
            district=regions["district"],
            debit=me,
            credit=other,
            key=f"page-{i}",
            amount=1,
            reason="往来",
            kind="donation",
        ).pk
        for i in range(44)
    ]
    newest = sorted(made, reverse=True)
    login_client(client, personas["resident"])
    first = client.get(reverse("bank:my_points"))
    assert [t.pk for t in first.context["entries"]] == newest[:20]
    assert first.context["older"] == newest[19] and "更早的记录" in first.content.decode()
    second = client.get(reverse("bank:my_points"), {"before": newest[19]})
    assert [t.pk for t in second.context["entries"]] == newest[
        20:40
    ] and "回到最新记录" in second.content.decode()
    last = client.get(reverse("bank:my_points"), {"before": newest[39]})
    assert [t.pk for t in last.context["entries"]][:4] == newest[40:44] and len(last.context["entries"]) == 5
    assert last.context["older"] is None and "更早的记录" not in last.content.decode()
    for bad in ("x", "-3", "0", "1e3"):
        assert [
            t.pk for t in client.get(reverse("bank:my_points"), {"before": bad}).context["entries"]
        ] == newest[:20]
    full_width = str(newest[19]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert [
        t.pk for t in client.get(reverse("bank:my_points"), {"before": full_width}).context["entries"]
    ] == newest[20:40]
    assert [
        t.pk for t in client.get(reverse("bank:my_points"), {"before": "x"}).context["entries"]
    ] == newest[:20]
