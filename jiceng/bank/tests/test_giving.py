"""Passing points on: donations, the love pool, residents in need, and disbursements on the notice board."""

import re

import pytest
from django.urls import reverse

from conftest import make_person
from jiceng.bank import ledger
from jiceng.bank.models import (
    Donation,
    Notice,
    NoticeState,
    PersonInNeed,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.bank.queries.giving import resident_get_by_phone_or_name
from jiceng.bank.services import giving
from jiceng.bank.services.giving import GivingError
from jiceng.bank.tests.test_rewards import fund, wallet
from jiceng.core.models import AuditLog


@pytest.fixture
def need(personas, regions):
    person = make_person(regions["A1"], "孙大娘", phone="13800000001")
    return giving.person_in_need_name(
        user=personas["worker"], community=regions["A1"], person=person, reason="独居老人，行动不便"
    )


def pool_of(community):
    pool = ledger.love_pool(community)
    pool.refresh_from_db()
    return pool


def test_it_donates_to_the_love_pool(personas, regions):
    person = personas["resident"].person
    fund(person, 50)
    d = giving.donation_create(person=person, points=20, request_id="d1", message="一点心意")
    assert d.transfer.kind == TransferKind.DONATION and d.transfer.state == TransferState.POSTED
    assert d.community == regions["A1"] and d.recipient is None
    assert wallet(person).available == 30 and pool_of(regions["A1"]).posted == 20
    assert giving.donation_create(person=person, points=20, request_id="d1").pk == d.pk  # a resent form
    assert wallet(person).available == 30


def test_it_donates_to_a_resident_in_need(personas, regions, need):
    person = personas["resident"].person
    fund(person, 50)
    d = giving.donation_create(person=person, points=15, recipient=need, request_id="d2")
    assert d.recipient == need and wallet(need.person).posted == 15
    # The log's reason, shown as it is on the ledger check, names giver and receiver, masked.
    assert d.transfer.reason == f"善行传递：李*国 赠予 {need.person.masked_name} 的爱心积分"


def test_it_refuses_more_than_the_donor_has(personas):
    person = personas["resident"].person
    fund(person, 10)
    with pytest.raises(GivingError, match="可用 10 分，最多可以捐 10 分"):
        giving.donation_create(person=person, points=11, request_id="d3")
    assert not Donation.objects.exists()


def test_it_refuses_a_recipient_off_the_list_or_elsewhere(personas, regions, need):
    outsider = personas["outsider"].person
    fund(outsider, 50)
    with pytest.raises(GivingError, match="不在本社区的帮扶名单"):
        giving.donation_create(person=outsider, points=5, recipient=need, request_id="d4")
    giving.person_in_need_end(user=personas["worker"], need=need)
    person = personas["resident"].person
    fund(person, 50)
    with pytest.raises(GivingError, match="不在本社区的帮扶名单"):
        giving.donation_create(person=person, points=5, recipient=need, request_id="d5")


def disbursed(personas, regions, need, *, points: int, key: str):
    """The resident donates 40 of 50 points to A1's pool, and its worker gives `points` to `need`."""
    fund(personas["resident"].person, 50)
    giving.donation_create(person=personas["resident"].person, points=40, request_id=f"{key}-d")
    return giving.disbursement_create(
        user=personas["worker"],
        community=regions["A1"],
        person=need.person,
        points=points,
        reason="重阳节慰问",
        request_id=key,
    )


def test_a_disbursement_goes_on_the_notice_board(personas, regions, need):
    notice = disbursed(personas, regions, need, points=25, key="x1")
    assert notice.kind == Notice.Kind.DISBURSEMENT and notice.state == NoticeState.INFO
    assert notice.masked_name == "孙*娘" and notice.points == 25 and notice.community == regions["A1"]
    assert (
        notice.transfer.kind == TransferKind.DISBURSEMENT and notice.transfer.operator == personas["worker"]
    )
    assert pool_of(regions["A1"]).posted == 15 and wallet(need.person).posted == 25
    assert AuditLog.objects.filter(action="bank.disburse").exists()
    again = giving.disbursement_create(
        user=personas["worker"],
        community=regions["A1"],
        person=need.person,
        points=25,
        reason="重阳节慰问",
        request_id="x1",
    )
    assert again.pk == notice.pk and Transfer.objects.filter(kind=TransferKind.DISBURSEMENT).count() == 1


def test_it_refuses_to_disburse_more_than_the_pool_holds(personas, regions, need):
    with pytest.raises(GivingError, match="爱心池积分不够：现有可用 0 分"):
        giving.disbursement_create(
            user=personas["worker"],
            community=regions["A1"],
            person=need.person,
            points=5,
            reason="慰问",
            request_id="x2",
        )
    assert not Notice.objects.exists()


def test_only_the_communitys_worker_disburses(personas, regions, need):
    with pytest.raises(GivingError, match="本社区的社区工作者"):
        giving.disbursement_create(
            user=personas["outsider_worker"],
            community=regions["A1"],
            person=need.person,
            points=5,
            reason="慰问",
            request_id="x3",
        )
    with pytest.raises(GivingError, match="本社区的社区工作者"):
        giving.person_in_need_name(
            user=personas["outsider_worker"], community=regions["A1"], person=need.person, reason="r"
        )


def test_it_names_a_resident_in_need_once(personas, regions, need):
    with pytest.raises(GivingError, match="已经在帮扶名单"):
        giving.person_in_need_name(
            user=personas["worker"], community=regions["A1"], person=need.person, reason="r"
        )
    with pytest.raises(GivingError, match="只能登记本社区"):
        giving.person_in_need_name(
            user=personas["worker"], community=regions["A1"], person=personas["outsider"].person, reason="r"
        )
    assert AuditLog.objects.filter(action="bank.need_name").count() == 1
    giving.person_in_need_end(user=personas["worker"], need=need)
    assert not PersonInNeed.objects.get(pk=need.pk).is_active


def test_it_finds_a_resident_by_phone_or_name(personas, regions, need):
    assert resident_get_by_phone_or_name(community=regions["A1"], who="13800000001") == need.person
    assert resident_get_by_phone_or_name(community=regions["A1"], who="孙大娘") == need.person
    make_person(regions["A1"], "孙大娘")
    with pytest.raises(GivingError, match="改填手机号"):
        resident_get_by_phone_or_name(community=regions["A1"], who="孙大娘")
    with pytest.raises(GivingError, match="没有手机号或姓名"):
        resident_get_by_phone_or_name(community=regions["A1"], who="赵外人")  # lives in B1


# ---------------------------------------------------------------- pages


def test_a_resident_donates_through_the_page(client, personas, regions, need):
    fund(personas["resident"].person, 50)
    client.force_login(personas["resident"])
    page = client.get(reverse("bank:give")).content.decode()
    assert "孙*娘" in page and "孙大娘" not in page and "独居老人" in page
    request_id = re.search(r'name="request_id" value="(\w+)"', page).group(1)
    data = {"to": str(need.pk), "points": 12, "message": "", "request_id": request_id}
    assert client.post(reverse("bank:give"), data).status_code == 302
    assert client.post(reverse("bank:give"), data).status_code == 302  # sent twice, given once
    assert wallet(need.person).posted == 12 and Donation.objects.count() == 1
    page = client.post(
        reverse("bank:give"), {"to": "pool", "points": 99, "request_id": "other"}
    ).content.decode()
    assert "积分不够" in page


def test_an_outsider_resident_sees_only_their_own_communitys_list(client, personas, need):
    client.force_login(personas["outsider"])
    page = client.get(reverse("bank:give")).content.decode()
    assert "孙*娘" not in page
    fund(personas["outsider"].person, 50)
    page = client.post(
        reverse("bank:give"), {"to": str(need.pk), "points": 5, "request_id": "o1"}
    ).content.decode()
    assert "不在帮扶名单" in page and not Donation.objects.exists()


def test_a_worker_runs_the_love_pool_through_the_page(client, personas, regions, need):
    fund(personas["resident"].person, 50)
    giving.donation_create(person=personas["resident"].person, points=30, request_id="p1")
    client.force_login(personas["worker"])
    page = client.get(reverse("bank:love_pool")).content.decode()
    assert '<div class="n">30</div>' in page and "李*国" in page
    response = client.post(
        reverse("bank:love_pool"), {"need": need.pk, "points": 10, "reason": "慰问", "request_id": "w1"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("bank:love_pool"), {"who": "李建国", "points": 5, "reason": "助学", "request_id": "w2"}
    )
    assert response.status_code == 302
    assert Notice.objects.filter(kind=Notice.Kind.DISBURSEMENT, community=regions["A1"]).count() == 2
    assert pool_of(regions["A1"]).posted == 15
    client.force_login(personas["resident"])
    board = client.get(reverse("bank:notices", args=[regions["A1"].code])).content.decode()
    assert "孙*娘" in board and "慰问" in board and "孙大娘" not in board
    client.force_login(personas["worker"])
    page = client.post(
        reverse("bank:love_pool"), {"who": "赵外人", "points": 5, "reason": "x", "request_id": "w3"}
    )
    assert "没有手机号或姓名" in page.content.decode()


def test_looking_at_an_empty_love_pool_opens_no_account(client, personas, regions):
    from jiceng.bank.models import Account, AccountKind

    client.force_login(personas["worker"])
    page = client.get(reverse("bank:love_pool")).content.decode()
    assert '<div class="n">0</div>' in page
    assert not Account.objects.filter(kind=AccountKind.LOVE_POOL, community=regions["A1"]).exists()


def test_a_worker_keeps_the_list_through_the_page(client, personas, regions):
    make_person(regions["A1"], "周大爷", phone="13800000009")
    client.force_login(personas["worker"])
    client.post(reverse("bank:persons_in_need"), {"who": "13800000009", "reason": "低保户"})
    need = PersonInNeed.objects.get()
    assert "周大爷" in client.get(reverse("bank:persons_in_need")).content.decode()
    client.post(reverse("bank:person_in_need_end", args=[need.pk]), {"confirmed": "1"})
    assert not PersonInNeed.objects.get().is_active


def test_an_outside_worker_cannot_touch_another_communitys_list(client, personas, regions, need):
    client.force_login(personas["outsider_worker"])
    assert "孙大娘" not in client.get(reverse("bank:persons_in_need")).content.decode()
    assert client.post(reverse("bank:person_in_need_end", args=[need.pk])).status_code == 404
    assert PersonInNeed.objects.get(pk=need.pk).is_active
    page = client.get(reverse("bank:love_pool")).content.decode()
    assert regions["B1"].name in page and regions["A1"].name not in page


def test_giving_pages_are_not_for_other_roles(client, personas, need):
    client.force_login(personas["resident"])
    for name in ("bank:love_pool", "bank:persons_in_need"):
        assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("bank:person_in_need_end", args=[need.pk])).status_code == 404
    client.force_login(personas["unit"])
    assert client.get(reverse("bank:give")).status_code == 404


def test_a_resident_is_found_by_a_full_width_phone(personas):
    from jiceng.bank.queries.giving import resident_get_by_phone_or_name

    person = personas["resident"].person
    person.phone = "13912345678"
    person.save(update_fields=["phone"])
    found = resident_get_by_phone_or_name(community=person.community, who="１３９ １２３４ ５６７８")
    assert found == person


@pytest.mark.django_db(transaction=True)
def test_the_migration_names_every_notice_s_resident_from_its_claim_or_its_wallet(
    personas, rules, regions, need, monkeypatch
):
    """Migration 0016 fills `Notice.person` on notices written before it: an award's claimant, a
    disbursement's recipient (the wallet its transfer credited), one range of ids at a time."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from jiceng.assessment.tests.test_catalogue_bank import settled_claim

    award = settled_claim(personas, rules).notice
    given = disbursed(personas, regions, need, points=5, key="m2")
    monkeypatch.setattr(importlib.import_module("jiceng.bank.migrations.0016_notice_person"), "BATCH", 1)
    executor = MigrationExecutor(connection)
    executor.migrate([("bank", "0015_log_queue_without_transfer_constraint")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("bank"))
    assert Notice.objects.get(pk=award.pk).person == personas["resident"].person
    assert Notice.objects.get(pk=given.pk).person == need.person != personas["resident"].person
