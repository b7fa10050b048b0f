"""Reads of the notice board: which board a user may open and lands on."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiceng.bank.models import Notice, Transfer
from jiceng.bank.queries.notices import board_region_get, board_region_home, notice_list_for_board
from jiceng.bank.tests.factories import funded_wallet
from jiceng.regions.models import Region


def test_a_board_is_open_to_the_whole_district_and_no_further(personas, regions):
    other = Region.objects.create(code="510104000000", name="锦江区", level="district")
    assert board_region_get(personas["outsider"], regions["A1"].code) == regions["A1"]
    assert board_region_get(personas["worker"], regions["B"].code) == regions["B"]
    assert board_region_get(personas["resident"], other.code) is None
    assert board_region_get(personas["resident"], "no-such-code") is None
    assert board_region_get(personas["unit"], regions["A1"].code) is None  # a unit lives in no district


def test_each_user_lands_on_their_own_board(personas, regions):
    assert board_region_home(personas["resident"]) == regions["A1"]
    assert board_region_home(personas["sub_admin"]) == regions["A"]
    assert board_region_home(personas["unit"]) is None


# Each community's notices, as hour offsets back from now: some quiet, some busy, ties allowed.
board_shape = st.lists(st.lists(st.integers(min_value=0, max_value=40), max_size=12), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=board_shape, limit=st.integers(min_value=1, max_value=6))
def test_a_board_lists_exactly_the_newest_notices_of_its_communities(regions, shape, limit):
    """Whatever the mix of busy and quiet communities, the board's lines are the region's newest."""
    subdistrict = regions["A"]
    communities = list(Region.objects.filter(parent=subdistrict).order_by("code"))[: len(shape)]
    now = timezone.now()
    with transaction.atomic():
        wallet = funded_wallet(communities[0], 10)
        transfer = Transfer.objects.filter(credit=wallet).get()
        made = Notice.objects.bulk_create(
            Notice(
                district=regions["district"],
                community=community,
                kind=Notice.Kind.AWARD,
                transfer=transfer,
                person=wallet.person,
                masked_name="王*",
                title=f"{community.code}-{i}",
                points=1,
                starts_at=now - dt.timedelta(hours=hours),
                ends_at=now,
            )
            for community, offsets in zip(communities, shape, strict=False)
            for i, hours in enumerate(offsets)
        )
        every = sorted(made, key=lambda n: (n.starts_at, n.pk), reverse=True)
        for region in (subdistrict, regions["district"], *communities):
            under = set(Region.objects.filter(region.subtree_q()).values_list("pk", flat=True))
            expected = [n.pk for n in every if n.community_id in under][:limit]
            assert [n.pk for n in notice_list_for_board(region, limit=limit)] == expected
        transaction.set_rollback(True)
