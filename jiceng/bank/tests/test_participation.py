"""Moral Alliance participation per subdistrict: share of units that joined, vouchers by outcome."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jiceng.alliance.tests.factories import get
from jiceng.bank.queries.participation import participation_list
from jiceng.bank.services import rewards
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward
from jiceng.orgs.models import Organization

pytestmark = pytest.mark.django_db


def test_figures_per_subdistrict(regions, personas):
    partner = make_partner(personas["unit"], personas["sub_admin"])  # 示范单位 in A1
    for name, where in (("未加入单位一", "A2"), ("未加入单位二", "A1")):
        Organization.objects.create(
            district=regions["district"], region=regions[where], kind="unit", name=name
        )
    Organization.objects.create(
        district=regions["district"], region=regions["A1"], kind="unit", name="已撤销单位", is_active=False
    )
    Organization.objects.create(
        district=regions["district"], region=regions["A1"], kind="party", name="某支部"
    )
    make_partner(personas["outsider_unit"], personas["outsider_sub_admin"], address="乙街 9 号")
    reward = make_reward(partner, personas["unit"], per_person_limit=5, points_price=20)
    person = personas["resident"].person
    fund(person, 200)
    made = [rewards.redemption_create(person=person, reward=reward, request_id=str(i)) for i in range(4)]
    rewards.redemption_collect(user=personas["unit"], partner=partner, code=made[0].code)
    rewards.redemption_collect(user=personas["unit"], partner=partner, code=made[1].code)
    rewards.redemption_cancel(redemption=made[2], user=personas["resident"])
    later = timezone.now() + dt.timedelta(days=400)
    rewards.redemptions_expire(now=later, partner=partner)  # the last one lapses

    rows = {r.subdistrict: r for r in participation_list([regions["district"]])}
    a, b = rows[regions["A"]], rows[regions["B"]]
    assert (a.units, a.joined, a.share) == (3, 1, Decimal("33.3"))
    assert (a.collected, a.cancelled, a.expired, a.pending) == (2, 1, 1, 0)
    assert a.sponsored_points == 40
    assert a.honoured_share == Decimal("50.0")
    assert (b.units, b.joined, b.share, b.collected, b.sponsored_points) == (1, 1, Decimal("100.0"), 0, 0)
    assert b.honoured_share is None
    assert [r.subdistrict for r in participation_list([regions["A"]])] == [regions["A"]]


def test_a_subdistrict_without_units_has_no_share(regions):
    Organization.objects.all().delete()
    (a,) = participation_list([regions["A"]])
    assert a.units == 0 and a.share is None


def test_page_for_administrators_only(client, regions, personas):
    make_partner(personas["unit"], personas["sub_admin"])
    page = get(client, personas["sub_admin"], "bank:participation")
    assert page.status_code == 200 and "浆洗街街道" in page.text and "桂溪街道" not in page.text
    assert "100.0%" in page.text
    assert "桂溪街道" in get(client, personas["district_admin"], "bank:participation").text
    assert get(client, personas["worker"], "bank:participation").status_code == 404
