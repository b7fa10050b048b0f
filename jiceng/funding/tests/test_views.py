"""Every funding page, as the roles that use it and as those that may not."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from jiceng.activities.models import OrganizerKind
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance.tests.factories import get, post
from jiceng.funding import services
from jiceng.funding.models import Allocation, BudgetKind, ContractStatus, Expense, Milestone, PaidFor
from jiceng.funding.tests.factories import contract, funded, social_org

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def world(regions, personas):
    admin = personas["district_admin"]
    org = social_org(regions["district"])
    top, sub = funded(regions, admin, year=YEAR, district=100000, sub=40000)
    c = contract(regions, admin, org, sub, year=YEAR)
    return {"admin": admin, "org": org, "top": top, "sub": sub, "contract": c}


def test_the_funds_page_shows_the_figures_of_the_region_and_its_children(client, regions, world):
    page = get(client, world["admin"], "funding:funds", year=YEAR)
    assert page.status_code == 200
    text = page.content.decode()
    assert ">100,<wbr>000<" in text and ">40,<wbr>000<" in text and regions["A"].name in text
    sub_admin_page = get(client, world["admin"], "funding:funds", code=regions["A"].code, year=YEAR)
    assert regions["A1"].name in sub_admin_page.content.decode()


def test_a_subdistrict_admin_sees_their_own_subdistrict_and_not_the_next(client, regions, personas, world):
    assert get(client, personas["sub_admin"], "funding:funds", year=YEAR).status_code == 200
    assert get(client, personas["sub_admin"], "funding:funds", code=regions["B"].code).status_code == 404
    assert (
        get(client, personas["sub_admin"], "funding:funds", code=regions["district"].code).status_code == 404
    )


@pytest.mark.parametrize("who", ["worker", "unit", "resident"])
def test_units_residents_and_workers_see_none_of_it(client, personas, world, who):
    for name in ("funding:funds", "funding:expenses", "funding:contracts", "funding:target"):
        assert get(client, personas[who], name).status_code == 404


def test_allocating_through_the_form_and_a_refusal_in_plain_words(client, regions, world):
    data = {"source": world["top"].pk, "target": regions["B"].code, "amount": "70,000", "note": "二季度"}
    page = post(client, world["admin"], "funding:allocation_create", data=data)
    assert page.status_code == 200 and "现有 60000.00 元，不能下拨 70000" in page.content.decode()
    data["amount"] = "６００００"  # full-width digits are read as the same number
    assert post(client, world["admin"], "funding:allocation_create", data=data).status_code == 302
    assert Allocation.objects.filter(target__region=regions["B"]).get().amount == Decimal(60000)


def test_setting_a_budget_line(client, regions, world):
    data = {"region": regions["A1"].code, "year": YEAR, "kind": BudgetKind.PARTY_WORK, "amount": "5000"}
    assert post(client, world["admin"], "funding:budget_set", data=data).status_code == 302
    page = post(client, world["admin"], "funding:budget_set", data=data | {"amount": "5000.001"})
    assert "两位小数" in page.content.decode()


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, "PNG")
    return SimpleUploadedFile("receipt.png", buf.getvalue(), content_type="image/png")


def test_posting_an_expense_with_a_voucher_once_and_reversing_it(client, regions, world):
    admin = world["admin"]
    form = get(client, admin, "funding:expense_create").context["form"]
    data = {
        "budget": world["sub"].pk,
        "amount": "1200",
        "spent_on": timezone.localdate().isoformat(),
        "description": "社区议事厅桌椅",
        "paid_for_kind": PaidFor.OTHER,
        "request_id": form.fields["request_id"].initial,
    }
    assert (
        post(client, admin, "funding:expense_create", data=data | {"attachment": _png()}).status_code == 302
    )
    assert post(client, admin, "funding:expense_create", data=data).status_code == 302  # sent twice
    expense = Expense.objects.get()
    assert (
        expense.attachment and get(client, admin, "funding:expense_attachment", expense.pk).status_code == 200
    )
    page = get(client, admin, "funding:expenses", year=YEAR).content.decode()
    assert "社区议事厅桌椅" in page
    asked = post(client, admin, "funding:expense_reverse", expense.pk, data={"reason": "重复"})
    assert asked.status_code == 200 and not Expense.objects.filter(reverses=expense).exists()
    post(client, admin, "funding:expense_reverse", expense.pk, data={"reason": "重复", "confirmed": "1"})
    assert Expense.objects.get(reverses=expense).amount == Decimal("-1200")


def test_an_attachment_that_is_neither_pdf_nor_photo_is_refused(client, world):
    admin = world["admin"]
    form = get(client, admin, "funding:expense_create").context["form"]
    data = {
        "budget": world["sub"].pk,
        "amount": "10",
        "spent_on": timezone.localdate().isoformat(),
        "description": "x",
        "paid_for_kind": PaidFor.OTHER,
        "request_id": form.fields["request_id"].initial,
        "attachment": SimpleUploadedFile("a.pdf.exe", b"MZ\x90\x00 not a pdf"),
    }
    page = post(client, admin, "funding:expense_create", data=data)
    assert "只能是 PDF" in page.content.decode() and not Expense.objects.exists()


def test_a_contract_page_shows_progress_from_checkins(client, regions, personas, world):
    from conftest import make_person

    act = activity(
        regions["A1"],
        personas["worker"],
        timezone.now() - dt.timedelta(hours=3),
        organizer_kind=OrganizerKind.SOCIAL,
        organizer_org=world["org"],
        title="长者智能手机课堂",
    )
    for i in range(4):
        attended(act, make_person(regions["A1"], f"长者{i}"), 60)
    page = get(client, personas["sub_admin"], "funding:contract", world["contract"].pk)
    assert page.status_code == 200
    assert [t[1] for t in page.context["targets"]] == [4, 1, 0]
    assert "长者智能手机课堂" in page.content.decode()
    listing = get(client, personas["sub_admin"], "funding:contracts", year=YEAR).content.decode()
    assert "4/100" in listing


def test_registering_a_contract_paying_a_milestone_and_accepting(client, regions, world):
    admin = world["admin"]
    data = {
        "title": "乙街道儿童关爱项目",
        "buyer": regions["B"].code,
        "provider": world["org"].pk,
        "budget": world["top"].pk,
        "amount": "30000",
        "method": "inquiry",
        "starts_on": f"{YEAR}-03-01",
        "ends_on": f"{YEAR}-11-30",
        "target_people": 50,
        "target_sessions": 6,
        "target_needs": 2,
    }
    bad = post(client, admin, "funding:contract_create", data=data | {"ends_on": f"{YEAR}-01-01"})
    assert "不能早于开始日期" in bad.content.decode()
    made = post(client, admin, "funding:contract_create", data=data)
    assert made.status_code == 302
    c = world["org"].purchased_services.get(title="乙街道儿童关爱项目")
    post(
        client,
        admin,
        "funding:milestone_add",
        c.pk,
        data={"title": "首期", "amount": "10000", "due_on": f"{YEAR}-03-15"},
    )
    step = Milestone.objects.get(contract=c)
    post(client, admin, "funding:milestone_pay", step.pk)
    assert Expense.objects.get(contract=c).amount == Decimal(10000)
    post(client, admin, "funding:contract_accept", c.pk, data={"rating": "5", "note": "按期完成"})
    c.refresh_from_db()
    assert c.status == ContractStatus.ACCEPTED and c.rating == 5


def test_the_year_target_page_is_the_districts_alone(client, regions, personas, world):
    page = get(client, world["admin"], "funding:target", year=YEAR)
    assert page.status_code == 200
    text = page.content.decode()
    assert "还没有与社会组织签订" in text and "还没有在社区开展服务活动" in text
    assert get(client, personas["sub_admin"], "funding:target").status_code == 404


def test_the_funds_export_has_a_row_per_child_and_a_totals_row(client, regions, world):
    services.expense_post(
        budget=world["sub"],
        amount=500,
        paid_for_kind=PaidFor.OTHER,
        description="x",
        key="x",
        actor=world["admin"],
    )
    response = get(client, world["admin"], "funding:funds_export", year=YEAR)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    names = [v[0] for v in values]
    assert regions["A"].name in names and "合计" in names
    row_a = values[names.index(regions["A"].name)]
    assert Decimal(str(row_a[4])) == Decimal(500)
