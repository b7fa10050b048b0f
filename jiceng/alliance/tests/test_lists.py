"""The three lists: match suggestions by category and distance, projects, resolution and rating."""

import datetime as dt

import pytest

from jiceng.alliance import services
from jiceng.alliance.geo import haversine_m
from jiceng.alliance.models import Need, NeedStatus, ProjectStatus, Resource
from jiceng.alliance.queries.lists import resource_list_suggested
from jiceng.alliance.tests.factories import at, need, org, resource

pytestmark = pytest.mark.django_db
NOW = at(dt.date(2026, 3, 10), 10)


def test_it_measures_great_circle_distances():
    assert haversine_m((104.0, 30.0), (104.0, 31.0)) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m((104.0, 30.0), (104.0, 30.0)) == 0
    # a degree of longitude shrinks with the cosine of the latitude
    assert haversine_m((104.0, 30.0), (105.0, 30.0)) == pytest.approx(111_195 * 0.866, rel=2e-3)


def test_it_suggests_resources_of_the_same_category_nearest_first(regions, personas):
    worker = personas["worker"]
    a1, a2, b1 = regions["A1"], regions["A2"], regions["B1"]
    for region, (lon, lat) in ((a1, (104.00, 30.60)), (a2, (104.05, 30.60)), (b1, (104.20, 30.60))):
        region.lon, region.lat = lon, lat
        region.save()
    unit = org(a1, "医院")
    far = resource(unit, b1, worker, title="远处义诊")  # community centre, ~19 km
    near = resource(unit, a2, worker, title="近处义诊", lon=104.001, lat=30.601)  # own point, ~150 m
    middle = resource(unit, a2, worker, title="中间义诊")  # falls back to A2's centre, ~4.8 km
    resource(unit, a1, worker, title="场地", category="venue")  # another category: never suggested
    withdrawn = resource(unit, a1, worker, title="撤下的义诊")
    services.resource_withdraw(resource=withdrawn, actor=worker)
    a_need = need(a1, worker)  # at A1's centre
    matches = resource_list_suggested(a_need, Resource.objects.all())
    assert [m.resource for m in matches] == [near, middle, far]
    assert matches[0].distance_m == pytest.approx(haversine_m((104.0, 30.6), (104.001, 30.601)))
    assert 4_500 < matches[1].distance_m < 5_000 and matches[1].distance_label.endswith("km")
    assert matches[0].distance_label.endswith(" m")


def test_resources_that_cannot_be_placed_come_last(regions, personas):
    worker = personas["worker"]
    unit = org(regions["A1"], "医院")
    nowhere = resource(unit, regions["A2"], worker, title="没有位置")  # A2 has no centre in this fixture
    placed = resource(unit, regions["A2"], worker, title="有位置", lon=104.0, lat=30.6)
    a_need = need(regions["A1"], worker, lon=104.01, lat=30.6)
    matches = resource_list_suggested(a_need, Resource.objects.all())
    assert [m.resource for m in matches] == [placed, nowhere]
    assert matches[1].distance_m is None and matches[1].distance_label == "—"


def test_it_checks_where_a_need_is(regions, personas):
    with pytest.raises(services.AllianceError, match="都填"):
        need(regions["A1"], personas["worker"], lon=104.0)
    with pytest.raises(services.AllianceError, match="社区"):
        need(regions["A"], personas["worker"])
    with pytest.raises(services.AllianceError, match="哪位居民"):
        services.need_create(
            community=regions["A1"], title="x", category="health", source="resident", actor=personas["worker"]
        )


def _project(regions, personas, requester=None):
    worker = personas["worker"]
    a_need = need(regions["A1"], worker, requester=requester)
    res = resource(org(regions["A1"], "医院"), regions["A1"], worker)
    project = services.project_create(
        need=a_need,
        resources=[res],
        title="",
        owner=res.organization,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 4, 1),
        actor=worker,
    )
    return a_need, project


def test_a_project_pairs_a_need_with_resources_and_resolves_it_on_closing(regions, personas):
    a_need, project = _project(regions, personas)
    a_need.refresh_from_db()
    assert a_need.status == NeedStatus.IN_PROGRESS and project.title == a_need.title
    with pytest.raises(services.AllianceError, match="待认领"):
        services.project_create(
            need=a_need,
            resources=list(project.resources.all()),
            title="again",
            owner=project.owner,
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 4, 1),
            actor=personas["worker"],
        )
    with pytest.raises(services.AllianceError, match="结项说明"):
        services.project_close(project=project, closure_note=" ", actor=personas["worker"])
    services.project_close(project=project, closure_note="每月上门随访", actor=personas["worker"], now=NOW)
    a_need.refresh_from_db()
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLOSED and project.closed_at == NOW
    assert a_need.status == NeedStatus.RESOLVED and a_need.resolved_at == NOW
    assert a_need.rating is None and a_need.rated_at is None


def test_the_resident_who_asked_rates_the_result_once(regions, personas):
    resident = personas["resident"]
    a_need, project = _project(regions, personas, requester=resident.person)
    with pytest.raises(services.AllianceError, match="结项后"):
        services.project_rate(project=project, rating=5, actor=resident)
    services.project_close(project=project, closure_note="完成", actor=personas["worker"], now=NOW)
    for stranger in (personas["worker"], personas["outsider"]):
        with pytest.raises(services.AllianceError, match="提出需求的居民"):
            services.project_rate(project=project, rating=5, actor=stranger)
    with pytest.raises(services.AllianceError, match="1 到 5 分"):
        services.project_rate(project=project, rating=0, actor=resident)
    rated_at = at(dt.date(2026, 3, 12), 20)
    services.project_rate(project=project, rating=4, comment="很及时", actor=resident, now=rated_at)
    a_need.refresh_from_db()
    assert (a_need.rating, a_need.rated_at, a_need.resolved_at) == (4, rated_at, NOW)
    with pytest.raises(services.AllianceError, match="只评价一次"):
        services.project_rate(project=project, rating=5, actor=resident)


def test_a_community_need_is_rated_by_its_own_community_workers(regions, personas):
    _need, project = _project(regions, personas)
    services.project_close(project=project, closure_note="完成", actor=personas["worker"], now=NOW)
    with pytest.raises(services.AllianceError):
        services.project_rate(project=project, rating=3, actor=personas["outsider_worker"])
    services.project_rate(project=project, rating=3, actor=personas["worker"], now=NOW)
    assert Need.objects.get().rating == 3
