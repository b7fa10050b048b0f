"""The settings and the pay table that hold for a district in a year."""

from decimal import Decimal

from jiceng.regions.models import Region
from jiceng.workforce.models import (
    DEFAULT_BASE,
    DEFAULTS,
    GRADES,
    PayGrade,
    WorkforceSettings,
    default_coefficient,
)


def settings_get(district: Region | int, year: int) -> WorkforceSettings:
    """The year's settings: its own row, else the latest earlier year's, else the defaults (unsaved)."""
    district_id = district if isinstance(district, int) else district.pk
    row = WorkforceSettings.objects.filter(district_id=district_id, year__lte=year).order_by("-year").first()
    if row is not None:
        return row
    return WorkforceSettings(district_id=district_id, year=year, **DEFAULTS)


def settings_is_default(district: Region, year: int) -> bool:
    return not WorkforceSettings.objects.filter(district=district, year__lte=year).exists()


def settings_years(district: Region) -> list[int]:
    return list(
        WorkforceSettings.objects.filter(district=district).order_by("-year").values_list("year", flat=True)
    )


def pay_table_get(district: Region | int, year: int) -> tuple[dict[int, tuple[Decimal, Decimal]], int | None]:
    """{grade: (base, coefficient)} for the year, and the year the table was set (None: the default table)."""
    district_id = district if isinstance(district, int) else district.pk
    latest = (
        PayGrade.objects.filter(district_id=district_id, year__lte=year)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if latest is None:
        return {g: (DEFAULT_BASE, default_coefficient(g)) for g in GRADES}, None
    table = {g: (DEFAULT_BASE, default_coefficient(g)) for g in GRADES}
    for row in PayGrade.objects.filter(district_id=district_id, year=latest):
        table[row.grade] = (row.base, row.coefficient)
    return table, latest
