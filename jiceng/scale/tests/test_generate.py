"""`jiceng generate` makes a district whose ledger verifies and whose pages render, and only once."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Sum
from django.urls import reverse

from jiceng.bank import log
from jiceng.bank.models import (
    Account,
    AccountKind,
    Checkpoint,
    ClaimState,
    DeedClaim,
    LogQueue,
    Notice,
    NoticeState,
    Redemption,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.bank.verify import verify_district
from jiceng.core.models import Role, RoleGrant, User
from jiceng.people.models import Household, PartyMembership, Person
from jiceng.regions.models import Level, Region
from jiceng.scale.generate import GenerateRefused, district_generate

pytestmark = pytest.mark.django_db

RESIDENTS, TRANSFERS = 300, 3_000


@pytest.fixture
def generated():
    return district_generate(residents=RESIDENTS, transfers=TRANSFERS, seed=7, progress=False)


def test_the_district_holds_what_was_asked_and_its_ledger_verifies(generated):
    district = Region.objects.get(code=generated.district)
    communities = Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY)
    assert Person.objects.count() == RESIDENTS
    # every community has residents, in households of its own
    assert set(Person.objects.values_list("community_id", flat=True)) == set(
        communities.values_list("id", flat=True)
    )
    assert not Person.objects.exclude(household__community_id=F("community_id")).exists()
    assert PartyMembership.objects.exists() and Household.objects.count() < RESIDENTS
    adults_with_ids = Person.objects.exclude(id_number_hash="")
    someone = adults_with_ids.first()
    assert someone.id_number()[:6] == district.code[:6] and someone.id_number_masked.startswith(
        district.code[:6]
    )
    assert Transfer.objects.count() == TRANSFERS
    kinds = dict(Transfer.objects.values_list("kind").annotate(n=Count("id")).order_by())
    assert set(kinds) == {
        TransferKind.AWARD,
        TransferKind.REDEMPTION,
        TransferKind.DONATION,
        TransferKind.DISBURSEMENT,
    }
    # every award has its claim and notice; recent awards are still on notice
    awards = Transfer.objects.filter(kind=TransferKind.AWARD)
    assert DeedClaim.objects.filter(transfer__in=awards).count() == awards.count()
    assert Notice.objects.filter(transfer__in=awards).count() == awards.count()
    assert (
        awards.filter(state=TransferState.PENDING).count()
        == Notice.objects.filter(state=NoticeState.OPEN).count()
        > 0
    )
    assert DeedClaim.objects.filter(state=ClaimState.REJECTED, transfer=None).exists()
    assert (
        Redemption.objects.filter(transfer__kind=TransferKind.REDEMPTION).count()
        == kinds[TransferKind.REDEMPTION]
    )
    wallets = Account.objects.filter(kind=AccountKind.WALLET)
    assert wallets.filter(posted__gt=0).exists()
    assert wallets.aggregate(s=Sum("posted"))["s"] > 0
    problems, figures = verify_district(district)
    assert problems == []
    assert figures["transfers"] == TRANSFERS and figures["leaves"] > 0 and figures["awaiting_checkpoint"] == 0


def test_pages_render_and_a_second_run_is_refused(generated, client):
    resident = User.objects.filter(person__wallet__posted__gt=0).order_by("pk").first()
    client.force_login(resident)
    home = client.get(reverse("portal:resident_home"))
    assert home.status_code == 200
    wallet = resident.person.wallet
    assert f"{wallet.posted - wallet.pending_out}".encode() in home.content
    assert client.get(reverse("bank:my_points")).status_code == 200
    community = resident.person.community
    assert client.get(reverse("bank:notices", args=[community.code])).status_code == 200
    worker = User.objects.get(
        grants__role=Role.COMMUNITY_WORKER, grants__region=community, username__endswith="worker1"
    )
    client.force_login(worker)
    assert client.get(reverse("bank:review")).status_code == 200
    admin = RoleGrant.objects.get(role=Role.DISTRICT_ADMIN).user
    client.force_login(admin)
    call_command("cockpit_refresh", verbosity=0)
    assert client.get(reverse("cockpit:region", args=[generated.district])).status_code == 200

    before = Transfer.objects.count(), Person.objects.count()
    with pytest.raises(GenerateRefused, match="已经有居民"):
        district_generate(residents=RESIDENTS, transfers=TRANSFERS, progress=False)
    with pytest.raises(CommandError, match="已经有居民"):
        call_command("generate", "--residents", "300", "--transfers", "3000", "--no-progress")
    assert (Transfer.objects.count(), Person.objects.count()) == before


def test_the_command_refuses_nonsense_in_chinese():
    with pytest.raises(CommandError, match="居民人数应在"):
        call_command("generate", "--residents", "0")
    with pytest.raises(CommandError, match="积分流水笔数应为整数"):
        call_command("generate", "--transfers", "many")


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_three_connections_write_and_log_the_same_district():
    """Outside a transaction, PostgreSQL writes half the tables and logs each month on connections of
    their own (`Side`); the district is as whole as the one connection's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: the generator uses one connection there")
    report = district_generate(residents=RESIDENTS, transfers=TRANSFERS, seed=7, progress=False)
    assert Transfer.objects.count() == TRANSFERS
    awards = Transfer.objects.filter(kind=TransferKind.AWARD)
    assert DeedClaim.objects.filter(transfer__in=awards).count() == awards.count() > 0
    assert Notice.objects.filter(transfer__in=awards).count() == awards.count()
    assert Redemption.objects.count() == Transfer.objects.filter(kind=TransferKind.REDEMPTION).count()
    assert not LogQueue.objects.exists()  # every month logged, the last one waited for
    assert Checkpoint.objects.count() >= 2
    assert log.queue_triggers_off() == []  # paused while the year was written, and on again
    problems, figures = verify_district(Region.objects.get(code=report.district))
    assert problems == [] and figures["awaiting_checkpoint"] == 0


def test_the_foreign_key_check_finds_a_dangling_id_past_the_ids_and_in_a_gap(regions):
    """Ids without a gap are proved by their least and greatest; a gap sends the key to the anti-join."""
    from jiceng.bank.tests.factories import funded_wallet
    from jiceng.scale.generate import foreign_keys_check

    funded_wallet(regions["A1"], 5)
    t = Transfer.objects.get()
    users = [User.objects.create(username=f"fk-{i}") for i in range(3)]
    assert foreign_keys_check(["bank.Transfer"]) == []
    Transfer.objects.filter(pk=t.pk).update(operator_id=users[-1].pk + 1000)  # past every id
    assert foreign_keys_check(["bank.Transfer"]) == ["bank.Transfer.operator：1 行指向不存在的 core.User"]
    gap = users[1].pk
    users[1].delete()
    Transfer.objects.filter(pk=t.pk).update(operator_id=gap)  # within the range, in the gap
    assert foreign_keys_check(["bank.Transfer"]) == ["bank.Transfer.operator：1 行指向不存在的 core.User"]
    Transfer.objects.filter(pk=t.pk).update(operator_id=None)  # whole again for the teardown's own check
