"""Writes of the district's settings and pay table, one year's version at a time."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit
from jiceng.regions.models import Region
from jiceng.workforce.errors import WorkforceError
from jiceng.workforce.models import DEFAULTS, GRADES, PayGrade, WorkforceSettings


def _check(values: dict) -> None:
    for post, label in (("head", _("正职")), ("deputy", _("副职")), ("other", _("其他社区工作者"))):
        low, high = values[f"{post}_min"], values[f"{post}_max"]
        if not 1 <= low <= high <= 18:
            raise WorkforceError(
                _("%(p)s的等级范围应在 1 到 18 级之间，且最低级不高于最高级。") % {"p": label}
            )
    if not Decimal("0") < values["fixed_share"] <= Decimal("1"):
        raise WorkforceError(_("固定部分比例应大于 0、不超过 1（例如 0.70）。"))
    if not Decimal("0") <= values["qualified_target"] <= Decimal("1"):
        raise WorkforceError(_("持证比例目标应在 0 到 1 之间（例如 0.50）。"))
    if values["promotion_years"] < 1:
        raise WorkforceError(_("晋级年限至少 1 年。"))


@transaction.atomic
def settings_save(*, actor, district: Region, year: int, values: dict) -> WorkforceSettings:
    """Set the district's settings from `year` on (until a later year's version)."""
    values = {k: values[k] for k in DEFAULTS}
    _check(values)
    row, created = WorkforceSettings.objects.select_for_update().get_or_create(
        district=district, year=year, defaults=values
    )
    before = None
    if not created:
        before = {k: str(getattr(row, k)) for k in DEFAULTS}
        for k, v in values.items():
            setattr(row, k, v)
        row.save()
    audit(
        actor,
        "workforce.settings_save",
        district,
        before=before,
        after={"year": year, **{k: str(v) for k, v in values.items()}},
    )
    return row


@transaction.atomic
def pay_table_save(*, actor, district: Region, year: int, table: dict[int, tuple[Decimal, Decimal]]) -> None:
    """Set the pay table (base and coefficient of every grade) from `year` on."""
    if set(table) != set(GRADES):
        raise WorkforceError(_("报酬系数表要填满 1 到 18 级。"))
    for grade, (base, coefficient) in table.items():
        if base < 0 or coefficient <= 0:
            raise WorkforceError(_("第 %(g)d 级的基数不能为负，系数要大于 0。") % {"g": grade})
    PayGrade.objects.filter(district=district, year=year).delete()
    PayGrade.objects.bulk_create(
        [
            PayGrade(district=district, year=year, grade=g, base=b, coefficient=c)
            for g, (b, c) in sorted(table.items())
        ]
    )
    audit(
        actor,
        "workforce.pay_table_save",
        district,
        after={"year": year, "table": {str(g): [str(b), str(c)] for g, (b, c) in sorted(table.items())}},
    )
