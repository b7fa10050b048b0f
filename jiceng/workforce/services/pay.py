"""The monthly pay sheet: computed from the records while a draft, frozen once approved."""

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit
from jiceng.regions.models import Level, Region
from jiceng.workforce.errors import WorkforceError
from jiceng.workforce.models import CommunityWorker, PaySheet, PaySheetRow, SheetStatus
from jiceng.workforce.queries.grades import grades_of, qualification_highest
from jiceng.workforce.queries.settings import pay_table_get, settings_get
from jiceng.workforce.signals import pay_sheet_approved

CENT = Decimal("0.01")


def pay_fixed(base: Decimal, coefficient: Decimal, fixed_share: Decimal) -> Decimal:
    """The month's fixed pay: base × coefficient × the fixed share, in yuan to the cent (half up)."""
    return (base * coefficient * fixed_share).quantize(CENT, rounding=ROUND_HALF_UP)


def pay_rows_compute(subdistrict: Region, year: int, month: int) -> list[PaySheetRow]:
    """The rows of a month's sheet, unsaved: every worker of the subdistrict employed in that month."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    district_id = Region.objects.only("pk").get(code=subdistrict.district_code).pk
    settings = settings_get(district_id, year)
    table, _year = pay_table_get(district_id, year)
    workers = list(
        CommunityWorker.objects.filter(subdistrict.subtree_q("community"), hired_on__lte=last)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=first))
        .select_related("person")
    )
    grades = grades_of(workers, settings, on=first)
    levels = qualification_highest([w.pk for w in workers], on=last)
    rows = []
    for w in workers:
        grade = grades[w.pk]
        base, coefficient = table[grade]
        fixed = pay_fixed(base, coefficient, settings.fixed_share)
        allowance = settings.allowance_for(levels.get(w.pk)).quantize(CENT)
        rows.append(
            PaySheetRow(
                district_id=w.district_id,
                worker=w,
                name=w.person.name,
                community_id=w.community_id,
                post=w.post,
                grade=grade,
                coefficient=coefficient,
                base=base,
                fixed_pay=fixed,
                allowance=allowance,
                total=fixed + allowance,
            )
        )
    return rows


@transaction.atomic
def pay_sheet_compute(*, actor, subdistrict: Region, year: int, month: int) -> PaySheet:
    """Compute (or compute again) the draft sheet of a subdistrict's month; an approved sheet is frozen."""
    if subdistrict.level != Level.SUBDISTRICT:
        raise WorkforceError(_("工资表按街道编制，请选择一个街道。"))
    if not 1 <= month <= 12 or not 2000 <= year <= timezone.localdate().year + 1:
        raise WorkforceError(_("请填写正确的年份和月份。"))
    district = Region.objects.get(code=subdistrict.district_code)
    sheet, _created = PaySheet.objects.select_for_update().get_or_create(
        subdistrict=subdistrict, year=year, month=month, defaults={"district": district, "created_by": actor}
    )
    if sheet.is_approved:
        raise WorkforceError(_("%(s)s 的工资表已审核，不能再修改。") % {"s": sheet})
    sheet.rows.all().delete()
    rows = pay_rows_compute(subdistrict, year, month)
    for row in rows:
        row.sheet = sheet
    PaySheetRow.objects.bulk_create(rows, batch_size=1000)
    sheet.total = sum((r.total for r in rows), Decimal("0.00"))
    sheet.computed_at = timezone.now()
    sheet.save(update_fields=["total", "computed_at"])
    audit(actor, "workforce.pay_sheet_compute", sheet, after={"rows": len(rows), "total": str(sheet.total)})
    return sheet


@transaction.atomic
def pay_sheet_approve(*, actor, pay_sheet: PaySheet) -> PaySheet:
    """Approve a draft sheet: it is frozen from then on, and `pay_sheet_approved` is sent in this transaction."""
    sheet = PaySheet.objects.select_for_update().get(pk=pay_sheet.pk)
    if sheet.is_approved:
        raise WorkforceError(_("这张工资表已经审核过了。"))
    if not sheet.rows.exists():
        raise WorkforceError(_("工资表没有任何人员，不能审核；请先计算。"))
    sheet.status = SheetStatus.APPROVED
    sheet.approved_by = actor
    sheet.approved_at = timezone.now()
    sheet.save(update_fields=["status", "approved_by", "approved_at"])
    audit(actor, "workforce.pay_sheet_approve", sheet, after={"total": str(sheet.total)})
    pay_sheet_approved.send(sender=PaySheet, pay_sheet=sheet)
    return sheet
