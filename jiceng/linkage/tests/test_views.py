import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from jiceng.core.models import ImportJob
from jiceng.linkage import services
from jiceng.linkage.models import Assignment, Evidence, GridHousehold
from jiceng.linkage.tests.factories import grid, grid_worker, issue, pdf
from jiceng.linkage.tests.test_services_grids import xlsx
from jiceng.people.models import Household
from jiceng.regions.models import Level, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids(regions, personas):
    g1, g2 = grid(regions["A1"], 1, "甲一一号网格"), grid(regions["A1"], 2, "甲一二号网格")
    person = personas["resident"].person
    home = Household.objects.create(
        district=person.district, community=regions["A1"], number="1-101", address="一号楼"
    )
    person.household = home
    person.save()
    services.household_assign(households=[home], grid=g1, actor=personas["worker"])
    return {"g1": g1, "g2": g2, "w1": grid_worker(g1, "grid1"), "w2": grid_worker(g2, "grid2")}


def test_the_issuer_sees_progress_per_recipient_and_overdue_flags(client, regions, personas):
    root = issue(regions["district"], [regions["A"], regions["B"]], personas["district_admin"], days=-1)
    services.assignment_report(
        assignment=root.children.get(region=regions["A"]), actor=personas["sub_admin"], number=1
    )
    client.force_login(personas["district_admin"])
    html = client.get(reverse("linkage:detail", args=[root.pk])).content.decode()
    assert f'data-recipient="{regions["A"].code}"' in html and f'data-recipient="{regions["B"].code}"' in html
    assert 'data-outcome="late"' in html and 'data-outcome="missed"' in html
    assert "已读" not in html and "阅读" not in html  # outcomes only, no read counters


def test_a_recipient_splits_to_its_grids_and_each_grid_reports(client, regions, personas, grids):
    root = issue(regions["A"], [regions["A1"]], personas["sub_admin"], evidence=Evidence.FILE)
    row = root.children.get()
    client.force_login(personas["worker"])
    page = client.get(reverse("linkage:detail", args=[row.pk])).content.decode()
    assert "继续下派" in page and "报送完成情况" in page
    client.post(reverse("linkage:split", args=[row.pk]), {"recipients": [grids["g1"].pk, grids["g2"].pk]})
    assert row.children.count() == 2
    g1_row = row.children.get(region=grids["g1"])
    client.force_login(grids["w1"])
    r = client.post(reverse("linkage:report", args=[g1_row.pk]), {"note": "已排查", "file": pdf()})
    assert r.status_code == 302
    g1_row.refresh_from_db()
    assert g1_row.reported_at and g1_row.reported_by == grids["w1"]
    # the other grid's worker cannot report for it, nor open it
    client.force_login(grids["w2"])
    assert client.post(reverse("linkage:report", args=[g1_row.pk]), {"file": pdf()}).status_code == 404
    assert client.get(reverse("linkage:detail", args=[g1_row.pk])).status_code == 404
    assert client.get(reverse("linkage:file", args=[g1_row.pk])).status_code == 404
    client.force_login(personas["sub_admin"])
    assert client.get(reverse("linkage:file", args=[g1_row.pk])).status_code == 200


def test_a_detected_task_offers_no_report(client, regions, personas):
    row = issue(regions["A"], [regions["A1"]], personas["sub_admin"], evidence=Evidence.NEED).children.get()
    client.force_login(personas["worker"])
    page = client.get(reverse("linkage:detail", args=[row.pk])).content.decode()
    assert 'data-detected="1"' in page and "报送完成情况" not in page
    client.post(reverse("linkage:report", args=[row.pk]), {"number": "1"})
    row.refresh_from_db()
    assert row.reported_at is None


def test_issuing_through_the_page(client, regions, personas):
    client.force_login(personas["sub_admin"])
    page = client.get(reverse("linkage:new")).content.decode()
    assert regions["A1"].name in page and regions["B1"].name not in page
    data = {
        "title": "清理楼道",
        "body": "清理杂物",
        "starts_on": "2026-01-01",
        "deadline": "2025-12-01",
        "evidence": "number",
        "target": "1",
        "recipients": [regions["A1"].pk],
    }
    r = client.post(reverse("linkage:new"), data)
    assert "完成期限不能早于起算日期" in r.content.decode() and not Assignment.objects.exists()
    r = client.post(
        reverse("linkage:new"), data | {"recipients": [regions["B1"].pk], "deadline": "2026-02-01"}
    )
    assert r.status_code == 200 and not Assignment.objects.exists()  # not a choice of theirs
    r = client.post(reverse("linkage:new"), data | {"deadline": "2026-02-01"})
    assert r.status_code == 302 and Assignment.objects.filter(region=regions["A1"]).count() == 1


def test_the_grid_worker_sees_only_their_grid(client, regions, personas, grids):
    issue(regions["A1"], [grids["g1"], grids["g2"]], personas["worker"], title="网格走访")
    client.force_login(grids["w1"])
    assert client.get(reverse("home")).url == reverse("linkage:grid_home")
    page = client.get(reverse("linkage:grid_home")).content.decode()
    assert "甲一一号网格" in page and "1-101" in page and "网格走访" in page
    assert client.get(reverse("linkage:grid", args=[grids["g1"].code])).status_code == 200
    assert client.get(reverse("linkage:grid", args=[grids["g2"].code])).status_code == 404
    assert client.post(reverse("linkage:grid", args=[grids["g1"].code]), {}).status_code == 404  # no placing
    assert client.get(reverse("linkage:grids")).status_code == 404
    assert client.get(reverse("people:list")).status_code == 404
    client.force_login(grids["w2"])
    page = client.get(reverse("linkage:grid_home")).content.decode()
    assert "1-101" not in page and "甲一二号网格" in page


def test_a_unit_operator_has_no_linkage_pages(client, personas):
    client.force_login(personas["unit"])
    for name in ("linkage:list", "linkage:new", "linkage:grids", "linkage:grid_home", "linkage:grid_import"):
        assert client.get(reverse(name)).status_code == 404, name


def test_the_grid_list_shows_figures_per_grid_in_scope(client, regions, personas, grids):
    grid(regions["B1"], 1, "乙一网格")
    client.force_login(personas["worker"])
    page = client.get(reverse("linkage:grids")).content.decode()
    assert "甲一一号网格" in page and "乙一网格" not in page
    assert f'data-grid="{grids["g1"].code}"' in page
    r = client.get(reverse("linkage:grids") + "?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


def test_the_workbench_counts_open_tasks(client, regions, personas):
    issue(regions["A"], [regions["A1"]], personas["sub_admin"])
    client.force_login(personas["worker"])
    page = client.get(reverse("portal:workbench")).content.decode()
    assert 'data-todo="assignments"' in page
    start = page.index('data-todo="assignments"')
    assert '<span class="n">1</span>' in page[start : start + 200]


def test_an_import_with_a_bad_row_writes_nothing_and_lists_the_row(
    client, regions, personas, django_capture_on_commit_callbacks
):
    client.force_login(personas["worker"])
    data = xlsx(
        [
            [regions["A1"].code, "1", "一网格", "张网格", "13800000001"],
            [regions["A1"].code, "x", "二", "李", "1"],
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "grids.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("linkage:grid_import"), {"file": upload})
    job = ImportJob.objects.get(kind="grids")
    assert r.url == reverse("linkage:grid_import_job", args=[job.pk])
    assert job.status == ImportJob.Status.REJECTED and job.errors[0].startswith("第 3 行")
    assert not Region.objects.filter(level=Level.GRID).exists()
    page = client.get(r.url).content.decode()
    assert "第 3 行" in page


def test_the_overdue_command_lists_who_to_remind(regions, personas):
    root = issue(regions["district"], [regions["A"], regions["B"]], personas["district_admin"], days=-1)
    services.assignment_report(
        assignment=root.children.get(region=regions["A"]), actor=personas["sub_admin"], number=1
    )
    out = io.StringIO()
    call_command("assignments_overdue", stdout=out)
    text = out.getvalue()
    assert regions["B"].name in text and regions["A"].name not in text and "共 1 项" in text


def test_a_worker_places_and_moves_households_between_the_grids_of_their_community(
    client, regions, personas, grids
):
    home = Household.objects.get(number="1-101")
    client.force_login(personas["worker"])
    page = client.get(reverse("linkage:grid", args=[grids["g2"].code])).content.decode()
    assert "1-101" in page and "现属甲一一号网格" in page
    client.post(reverse("linkage:grid", args=[grids["g2"].code]), {"households": [home.pk]})
    assert GridHousehold.objects.get(household=home).grid == grids["g2"]
    client.force_login(personas["outsider_worker"])
    assert client.get(reverse("linkage:grid", args=[grids["g2"].code])).status_code == 404


@pytest.mark.parametrize("persona", ["district_admin", "sub_admin", "worker", "grid"])
def test_every_menu_entry_of_ours_opens_for_its_role_even_with_no_data(client, regions, personas, persona):
    from jiceng.core.scope import scope_for
    from jiceng.portal.context import MENU

    user = personas[persona] if persona != "grid" else grid_worker(grid(regions["A1"]), "grid_menu")
    names = {n for r in scope_for(user).roles for _heading, _label, n in MENU[r] if n.startswith("linkage:")}
    assert names
    client.force_login(user)
    for name in names:
        assert client.get(reverse(name)).status_code == 200, name


def test_the_issuers_workbench_counts_overdue_recipients_below(client, regions, personas):
    from jiceng.portal.queries.today import todo_list_for

    root = issue(regions["district"], [regions["A"], regions["B"]], personas["district_admin"], days=-1)
    row_a = root.children.get(region=regions["A"])
    services.assignment_split(
        assignment=row_a, recipients=[regions["A1"], regions["A2"]], actor=personas["sub_admin"]
    )
    services.assignment_report(
        assignment=row_a.children.get(region=regions["A1"]), actor=personas["worker"], number=1
    )

    def overdue(user):
        return {t.key: t.count for t in todo_list_for(user)}["assignments_overdue"]

    assert overdue(personas["district_admin"]) == 3  # A (waiting on A2), A2 and B
    assert overdue(personas["sub_admin"]) == 1  # A2; A's own row is in its inbox, not below it
    assert overdue(personas["worker"]) == 0
    assert overdue(personas["outsider_sub_admin"]) == 0  # B's own row is its own, nothing below


def test_the_grid_pages_show_each_grids_residential_population_and_coverage(
    client, regions, personas, grids, settings, tmp_path
):
    from jiceng.circle.models import PlaceKind, ResidentialPoint, ServicePlace
    from jiceng.circle.services import network_store
    from jiceng.circle.tests.conftest import junction, line_graph

    settings.VAR_DIR = tmp_path
    district = regions["district"]
    network_store(district=district, graph=line_graph(), name="测试路网", is_synthetic=False)
    lon, lat = junction(5)
    ServicePlace.objects.create(
        district=district,
        community=regions["A1"],
        name="甲中心",
        kind=PlaceKind.CENTRE_COMMUNITY,
        lon=lon,
        lat=lat,
    )
    for i, residents in ((10, 100), (22, 50)):  # 500 m from the place, and 1700 m
        lon, lat = junction(i)
        ResidentialPoint.objects.create(
            district=district,
            community=regions["A1"],
            grid=grids["g1"],
            lon=lon,
            lat=lat,
            residents=residents,
        )
    client.force_login(personas["worker"])
    page = client.get(reverse("linkage:grids")).content.decode()
    row = page.split(f'data-grid="{grids["g1"].code}"')[1].split("</tr>")[0]
    assert 'data-label="居民点人口">150</td>' in row and "data-grid-coverage>66.7%</td>" in row
    row = page.split(f'data-grid="{grids["g2"].code}"')[1].split("</tr>")[0]
    assert 'data-label="居民点人口">0</td>' in row and "data-grid-coverage>—</td>" in row
    client.force_login(grids["w1"])
    page = client.get(reverse("linkage:grid_home")).content.decode()
    assert '<div class="n" data-grid-coverage>66.7%</div>' in page
    assert "本网格 2 个楼栋（小区）的人数合计，其中 1 个步行 15 分钟" in page
