"""Earning rules: the district's starting catalogue, and rules that administrators add and edit.

A rule is versioned: editing writes a new version, and claims keep the version (and
the points) they were filed under.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.errors import ClaimError
from jiceng.bank.models import Category, EarningRule, Evidence, PointsMode
from jiceng.core.audit import audit, snapshot
from jiceng.regions.models import Region

DEFAULT_RULES = [
    # code, category, name, mode, points, cap_month, cap_year, evidence, second_review_above
    ("helping", Category.HELPING, "助人为乐", PointsMode.FIXED, 5, 30, 200, Evidence.NONE, None),
    ("bravery", Category.BRAVERY, "见义勇为", PointsMode.FIXED, 50, 100, 300, Evidence.WITNESS, 20),
    (
        "honesty",
        Category.HONESTY,
        "拾金不昧、诚实守信",
        PointsMode.FIXED,
        10,
        30,
        200,
        Evidence.WITNESS,
        None,
    ),
    ("dedication", Category.DEDICATION, "敬业奉献", PointsMode.FIXED, 10, 30, 200, Evidence.PHOTO, None),
    ("filial", Category.FILIAL, "孝老爱亲", PointsMode.FIXED, 5, 20, 150, Evidence.NONE, None),
    ("volunteer", Category.VOLUNTEER, "志愿服务", PointsMode.PER_HOUR, 2, 40, 400, Evidence.CHECKIN, 30),
    ("neighbour", Category.NEIGHBOUR, "邻里互助", PointsMode.FIXED, 3, 20, 150, Evidence.NONE, None),
    ("environment", Category.ENVIRONMENT, "环境保护", PointsMode.FIXED, 3, 20, 150, Evidence.PHOTO, None),
    ("patrol", Category.PATROL, "平安巡逻", PointsMode.PER_HOUR, 2, 30, 300, Evidence.NONE, None),
]


def rule_catalogue_seed(*, district: Region) -> int:
    """The district's starting catalogue, one rule per category; idempotent."""
    created = 0
    for code, category, name, mode, points, cap_m, cap_y, evidence, second in DEFAULT_RULES:
        _rule, made = EarningRule.objects.get_or_create(
            district=district,
            code=code,
            is_current=True,
            defaults={
                "category": category,
                "name": name,
                "points_mode": mode,
                "points": points,
                "cap_month": cap_m,
                "cap_year": cap_y,
                "evidence": evidence,
                "second_review_above": second,
                "active_from": dt.date(2020, 1, 1),
            },
        )
        created += made
    return created


RULE_FIELDS = [
    "category",
    "name",
    "description",
    "points_mode",
    "points",
    "cap_month",
    "cap_year",
    "evidence",
    "second_review_above",
    "charter",
    "charter_article",
    "active_from",
    "active_to",
]


def _validate_rule(data: dict) -> None:
    if not data.get("name"):
        raise ClaimError(_("请填写规则名称"))
    if not isinstance(data.get("points"), int) or data["points"] <= 0:
        raise ClaimError(_("积分必须是大于 0 的整数"))
    if data.get("cap_month") and data.get("cap_year") and data["cap_month"] > data["cap_year"]:
        raise ClaimError(_("每月上限不能大于每年上限"))
    if data.get("active_to") and data["active_to"] < data["active_from"]:
        raise ClaimError(_("失效日期不能早于生效日期"))
    if (data.get("charter_article") or "").strip() and data.get("charter") is None:
        raise ClaimError(_("填写了条款，请同时选择依据的章程或公约"))


def _check_charter(charter, region: Region) -> None:
    """A rule may cite a charter or convention of a community under the rule's own region."""
    if (
        charter is not None
        and not Region.objects.filter(region.subtree_q(), pk=charter.community_id).exists()
    ):
        raise ClaimError(_("所选章程公约不属于本规则适用的范围，请重新选择"))


@transaction.atomic
def rule_create(*, actor, district: Region, subdistrict: Region | None, code: str, **data) -> EarningRule:
    """A new rule: district-wide, or local to one subdistrict."""
    _validate_rule(data)
    _check_charter(data.get("charter"), subdistrict or district)
    if EarningRule.objects.filter(district=district, code=code).exists():
        raise ClaimError(_("规则编号 %(c)s 已存在，请换一个") % {"c": code})
    rule = EarningRule.objects.create(
        district=district,
        subdistrict=subdistrict,
        code=code,
        created_by=actor,
        **{k: data.get(k) for k in RULE_FIELDS if k in data},
    )
    audit(actor, "rule.create", rule, after=snapshot(rule))
    return rule


@transaction.atomic
def rule_edit(*, actor, rule: EarningRule, **changes) -> EarningRule:
    """Editing writes a new version; claims already made keep their version and points."""
    current = EarningRule.objects.select_for_update().get(pk=rule.pk)
    if not current.is_current:
        raise ClaimError(_("这不是规则的当前版本，请刷新后再修改"))
    data = {k: getattr(current, k) for k in RULE_FIELDS} | changes
    _validate_rule(data)
    if "charter" in changes:
        _check_charter(data.get("charter"), current.subdistrict or current.district)
    today = timezone.localdate()
    EarningRule.objects.filter(pk=current.pk).update(
        is_current=False, active_to=max(today, current.active_from)
    )
    new = EarningRule.objects.create(
        district_id=current.district_id,
        subdistrict_id=current.subdistrict_id,
        code=current.code,
        version=current.version + 1,
        created_by=actor,
        **(data | {"active_from": max(today, data["active_from"])}),
    )
    audit(actor, "rule.edit", new, before=snapshot(current), after=snapshot(new))
    return new
