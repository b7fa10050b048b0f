import pytest

from jiceng.demo import DEMO_DISTRICT
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region
from jiceng.regions.services import ImportRejected, regions_import_divisions


def _append(path, line):
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def _replace(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_it_imports_the_demo_district(db, source):
    report = regions_import_divisions(source=source, district=DEMO_DISTRICT, progress=False)
    assert report.added == 131
    assert Region.objects.filter(level=Level.SUBDISTRICT).count() == 15
    assert Region.objects.filter(level=Level.COMMUNITY).count() == 113
    community = Region.objects.get(code="510107001004")
    assert community.parent.code == "510107001000"
    assert community.parent.parent.code == "510107000000"
    assert [r.level for r in community.ancestors()] == ["province", "city", "district", "subdistrict"]


def test_it_is_idempotent(db, source):
    regions_import_divisions(source=source, progress=False)
    again = regions_import_divisions(source=source, progress=False)
    assert again.added == 0 and again.unchanged == 131
    assert not again.renamed and not again.deleted and not again.deactivated
    assert Region.objects.count() == 131


def test_a_district_reimport_keeps_the_districts_grids(db, source):
    regions_import_divisions(source=source, district=DEMO_DISTRICT, progress=False)
    community = Region.objects.get(code="510107001004")
    grid = Region.objects.create(code="510107001004001", name="第一网格", level=Level.GRID, parent=community)
    again = regions_import_divisions(source=source, district=DEMO_DISTRICT, progress=False)
    assert again.added == 0 and not again.deleted and not again.deactivated
    grid.refresh_from_db()
    assert grid.is_active


def test_it_reports_renames_and_gone_regions(db, source):
    regions_import_divisions(source=source, progress=False)
    kept = Region.objects.get(code="510107001004")
    Person.objects.create(
        district=Region.objects.get(code=DEMO_DISTRICT), community=kept, name="张三", gender="M"
    )
    villages = source / "villages.csv"
    lines = villages.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("510107001004,")
    gone_empty = lines[2].split(",")[0]
    # the row with data and an empty row both disappear; another is renamed
    villages.write_text("\n".join([lines[0]] + lines[3:]) + "\n", encoding="utf-8")
    _replace(villages, '"锦里社区居委会"', '"锦里社区"')
    report = regions_import_divisions(source=source, progress=False)
    assert report.deactivated == ["510107001004"]
    assert report.deleted == [gone_empty]
    assert Region.objects.get(code="510107001004").is_active is False
    assert not Region.objects.filter(code=gone_empty).exists()
    assert report.renamed == [("510107001006", "锦里社区居委会", "锦里社区")]
    assert Region.objects.get(code="510107001006").name == "锦里社区"
    # the region comes back in a later edition: it is restored, not duplicated
    villages.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = regions_import_divisions(source=source, progress=False)
    assert report.restored == 1
    assert Region.objects.get(code="510107001004").is_active is True


def test_it_rejects_bad_rows_and_writes_nothing(db, source):
    villages = source / "villages.csv"
    _append(villages, '51010700100X,"坏代码社区",510107001,51,5101,510107')
    _append(villages, '510107004999,"错挂社区",510107001,51,5101,510107')
    _append(villages, '510107001004,"重复社区",510107001,51,5101,510107')
    with pytest.raises(ImportRejected) as exc:
        regions_import_divisions(source=source, progress=False)
    errors = exc.value.errors
    assert len(errors) == 3
    assert "villages.csv 第 115 行" in errors[0] and "格式错误" in errors[0]
    assert "第 116 行" in errors[1] and "上级代码" in errors[1]
    assert "第 117 行" in errors[2] and "重复" in errors[2]
    assert Region.objects.count() == 0


def test_it_rejects_a_missing_parent(db, source):
    _append(source / "villages.csv", '510107099001,"孤儿社区",510107099,51,5101,510107')
    with pytest.raises(ImportRejected) as exc:
        regions_import_divisions(source=source, progress=False)
    assert "找不到上级区划" in exc.value.errors[0]


def test_a_city_listed_again_as_its_own_district_is_the_same_place(db, source):
    _append(source / "cities.csv", '5119,"东莞式市",51')
    _append(source / "areas.csv", '511900,"东莞式市",5119,51')
    _append(source / "streets.csv", '511900003,"东城街道",511900,51,5119')
    regions_import_divisions(source=source, progress=False)
    city = Region.objects.get(code="511900000000")
    assert city.level == Level.CITY
    assert Region.objects.get(code="511900003000").parent == city
