"""Publishing an activity: for a community, a unit or an alliance, within its rules."""

import datetime as dt

import pytest

from jiceng.activities import services
from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import START, minutes
from jiceng.alliance.tests.factories import alliance_a

pytestmark = pytest.mark.django_db


def test_it_publishes_for_a_community_a_unit_or_an_alliance(regions, personas):
    worker = personas["worker"]
    now = START - dt.timedelta(days=1)
    kw = {"title": "义诊", "place": "广场", "starts_at": START, "ends_at": START + minutes(90), "now": now}
    made = services.activity_publish(community=regions["A1"], organizer_kind="community", actor=worker, **kw)
    assert made.status == ActivityStatus.PUBLISHED and made.secret and made.district == regions["district"]
    with pytest.raises(services.ActivityError, match="主办单位"):
        services.activity_publish(community=regions["A1"], organizer_kind="unit", actor=worker, **kw)
    alliance = alliance_a(regions, personas)
    with pytest.raises(services.ActivityError, match="联盟范围内"):
        services.activity_publish(
            community=regions["B1"], organizer_kind="alliance", alliance=alliance, actor=worker, **kw
        )
    assert (
        services.activity_publish(
            community=regions["A2"], organizer_kind="alliance", alliance=alliance, actor=worker, **kw
        ).organizer_label
        == alliance.name
    )
    with pytest.raises(services.ActivityError, match="晚于开始时间"):
        services.activity_publish(
            community=regions["A1"], organizer_kind="community", actor=worker, **(kw | {"ends_at": START})
        )
    with pytest.raises(services.ActivityError, match="已经过去"):
        services.activity_publish(
            community=regions["A1"],
            organizer_kind="community",
            actor=worker,
            **(kw | {"now": START + minutes(120)}),
        )


def test_a_social_organisation_hosts_only_under_its_own_kind(regions, personas):
    from jiceng.orgs.models import Organization

    worker = personas["worker"]
    kw = {"title": "四点半课堂", "place": "活动室", "starts_at": START, "ends_at": START + minutes(90)}
    kw["now"] = START - dt.timedelta(days=1)
    unit = Organization.objects.get(name="示范单位")
    with pytest.raises(services.ActivityError, match="承办的社会组织"):
        services.activity_publish(
            community=regions["A1"], organizer_kind="social", organizer_org=unit, actor=worker, **kw
        )
    social = Organization.objects.create(
        district=regions["district"], region=regions["A"], kind="social", name="青少年成长促进会"
    )
    made = services.activity_publish(
        community=regions["A1"], organizer_kind="social", organizer_org=social, actor=worker, **kw
    )
    assert made.organizer_label == "青少年成长促进会"
