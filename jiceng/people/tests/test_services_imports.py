import pytest

from jiceng.core.models import AuditLog
from jiceng.core.sheets import Sheet, workbook_bytes
from jiceng.people.models import Household, PartyMembership, Person
from jiceng.people.services import ImportRejected, people_import
from jiceng.people.tests.factories import HEADER, csv_bytes, good_rows


def test_it_imports_people_households_and_members(personas, regions):
    code = regions["A1"].code
    summary = people_import(
        data=csv_bytes(*good_rows(code)),
        filename="p.csv",
        scope_region=regions["A"],
        actor=personas["sub_admin"],
    )
    assert (summary.created, summary.updated, summary.households, summary.party_members) == (3, 0, 1, 1)
    zhang = Person.objects.get(name="张伟")
    assert zhang.household.members.count() == 2
    assert zhang.id_number() == "11010519491231002X"
    assert zhang.id_number_masked == "110105**********2X" and zhang.birth_year == 1949
    assert b"11010519491231002X" not in bytes(zhang.id_number_encrypted)
    assert PartyMembership.objects.get(person=zhang).origin == "veteran"
    assert AuditLog.objects.filter(action="people.import", actor=personas["sub_admin"]).exists()


def test_reimport_updates_instead_of_duplicating(personas, regions):
    code = regions["A1"].code
    people_import(
        data=csv_bytes(*good_rows(code)[:2]), filename="p.csv", scope_region=regions["A"], actor=None
    )
    changed = good_rows(code)[0].replace("13800138000", "13900139000")
    summary = people_import(data=csv_bytes(changed), filename="p.csv", scope_region=regions["A"], actor=None)
    assert (summary.created, summary.updated) == (0, 1)
    assert Person.objects.get(name="张伟").phone == "13900139000"


def test_it_rejects_every_bad_row_and_writes_nothing(personas, regions):
    a1, b1 = regions["A1"].code, regions["B1"].code
    rows = good_rows(a1) + [
        f",男,,,,{a1},,,,,",  # row 5: no name
        f"钱七,未知,,,,{a1},,,,,",  # row 6: bad gender
        f"孙八,男,,12345,,{a1},,,,,",  # row 7: bad phone
        f"周九,男,,,110105194912310021,{a1},,,,,",  # row 8: bad check digit
        f"吴十,男,,,,{b1},,,,,",  # row 9: community outside the importer's scope
        f"郑一,男,1950-01-01,,11010519491231002X,{a1},,,,,",  # row 10: duplicate ID, birth mismatch
        f"冯二,男,,,,{a1},,,党员,,",  # row 11: bad origin
    ]
    with pytest.raises(ImportRejected) as exc:
        people_import(data=csv_bytes(*rows), filename="p.csv", scope_region=regions["A"], actor=None)
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in range(5, 12)]
    assert "姓名" in errors[0] and "性别" in errors[1] and "手机号" in errors[2] and "校验位" in errors[3]
    assert "管辖范围" in errors[4] and "第 2 行重复" in errors[5] and "出生日期与身份证号不一致" in errors[5]
    assert Person.objects.count() == 2  # only the personas
    assert Household.objects.count() == 0


def test_it_reads_xlsx(personas, regions):
    rows = [row.split(",") for row in good_rows(regions["A1"].code)]
    data = workbook_bytes([Sheet("居民", HEADER.split(","), rows)])
    summary = people_import(data=data, filename="p.xlsx", scope_region=regions["A"], actor=None)
    assert summary.created == 3


@pytest.mark.parametrize(
    "data,filename,reason",
    [
        (b"", "p.csv", "空"),
        (b"not a workbook", "p.xlsx", "Excel"),
        ("姓名,性别\n张三,男\n".encode(), "p.csv", "缺少必需的列：社区代码"),
        (b"x", "p.txt", ".xlsx"),
    ],
)
def test_it_explains_unreadable_files(personas, regions, data, filename, reason):
    with pytest.raises(ImportRejected) as exc:
        people_import(data=data, filename=filename, scope_region=regions["A"], actor=None)
    assert reason in exc.value.errors[0]


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_it_imports_a_gb18030_file_with_full_width_phones_and_ids(personas, regions):
    rows = [r.translate(FULL_WIDTH) for r in good_rows(regions["A1"].code)]
    data = ("\n".join([HEADER, *rows]) + "\n").encode("gb18030")
    summary = people_import(data=data, filename="p.csv", scope_region=regions["A"], actor=None)
    assert summary.created == 3
    zhang = Person.objects.get(name="张伟")
    assert (zhang.phone, zhang.id_number(), zhang.birth_year) == ("13800138000", "11010519491231002X", 1949)


def test_it_imports_an_xlsx_with_full_width_phones_and_ids(personas, regions):
    rows = [row.translate(FULL_WIDTH).split(",") for row in good_rows(regions["A1"].code)]
    data = workbook_bytes([Sheet("居民", HEADER.split(","), rows)])
    assert people_import(data=data, filename="p.xlsx", scope_region=regions["A"], actor=None).created == 3
    assert Person.objects.get(name="张伟").id_number() == "11010519491231002X"


def test_a_full_width_duplicate_of_a_known_person_is_the_same_person(personas, regions):
    code = regions["A1"].code
    people_import(
        data=csv_bytes(*good_rows(code)[:1]), filename="p.csv", scope_region=regions["A"], actor=None
    )
    again = good_rows(code)[0].replace("张伟", "张伟伟").translate(FULL_WIDTH)
    summary = people_import(data=csv_bytes(again), filename="p.csv", scope_region=regions["A"], actor=None)
    assert (summary.created, summary.updated) == (0, 1)
    assert Person.objects.filter(name__startswith="张伟").count() == 1


def test_a_full_width_copy_of_a_row_in_the_same_file_is_a_duplicate(personas, regions):
    first = good_rows(regions["A1"].code)[0]
    copy = first.replace("张伟", "张三").translate(FULL_WIDTH)
    with pytest.raises(ImportRejected) as exc:
        people_import(data=csv_bytes(first, copy), filename="p.csv", scope_region=regions["A"], actor=None)
    assert "第 2 行重复" in exc.value.errors[0]


def test_cells_that_start_like_a_formula_are_refused_with_their_row_and_column(personas, regions):
    a1 = regions["A1"].code
    rows = good_rows(a1) + [
        f'"=HYPERLINK(""http://x"",""点我"")",男,,,,{a1},,,,,',  # row 5
        f"钱七,男,,,,{a1},,@SUM(A1),,,",  # row 6
        f"孙八,男,,,,{a1},+1-1,,,,",  # row 7
        f'"\t=1+1",男,,,,{a1},,"-2+3",,,',  # row 8: two cells, one with a leading tab
    ]
    with pytest.raises(ImportRejected) as exc:
        people_import(data=csv_bytes(*rows), filename="p.csv", scope_region=regions["A"], actor=None)
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in (5, 6, 7, 8)]
    assert "“姓名”以“=”开头" in errors[0] and "“住址”以“@”开头" in errors[1]
    assert "“户号”以“+”开头" in errors[2]
    assert "“姓名”以“制表符”开头" in errors[3] and "“住址”以“-”开头" in errors[3]
    assert Person.objects.count() == 2  # only the personas


def test_formula_cells_in_an_xlsx_are_refused_too(personas, regions):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for row in good_rows(regions["A1"].code):
        ws.append(row.split(","))
    ws["H3"].value = "=1+1"
    ws["H3"].data_type = "s"  # a text cell that starts like a formula, as a phone's spreadsheet app saves one
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    with pytest.raises(ImportRejected) as exc:
        people_import(data=data, filename="p.xlsx", scope_region=regions["A"], actor=None)
    assert exc.value.errors[0].startswith("第 3 行") and "“住址”以“=”开头" in exc.value.errors[0]
