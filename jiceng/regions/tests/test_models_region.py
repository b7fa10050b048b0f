from jiceng.regions.models import Level, Region, ancestor_code, subtree_q
from jiceng.regions.services import regions_import_divisions


def test_subtree_is_a_prefix_range(db, source):
    regions_import_divisions(source=source, progress=False)
    sub = Region.objects.get(code="510107001000")
    tree = Region.objects.subtree(sub)
    assert tree.count() == 1 + Region.objects.filter(parent=sub).count()
    assert all(r.code.startswith("510107001") for r in tree)


def test_it_names_the_subdistrict_and_the_district_of_a_code(db, source):
    regions_import_divisions(source=source, progress=False)
    community = Region.objects.get(code="510107001004")
    assert community.subdistrict_code == "510107001000" and community.district_code == "510107000000"
    assert community.parent.subdistrict_code == "510107001000"
    assert Region.objects.get(code="510107000000").subdistrict_code is None
    assert ancestor_code("510107005001", Level.SUBDISTRICT) == "510107005000"


def test_an_ancestors_subtree_is_one_filter(db, source):
    regions_import_divisions(source=source, progress=False)
    community = Region.objects.get(code="510107001004")
    same_subdistrict = Region.objects.filter(community.subtree_q(level=Level.SUBDISTRICT))
    assert set(same_subdistrict) == set(Region.objects.subtree(community.parent))
    by_code = Region.objects.filter(subtree_q("510107001004", Level.SUBDISTRICT))
    assert set(by_code) == set(same_subdistrict)
    children = Region.objects.filter(community.parent.subtree_q("parent"))
    assert set(children) == set(community.parent.children.all())
