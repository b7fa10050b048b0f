"""Reads of earning rules: what a claimant can claim under, and what an administrator manages."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.errors import ClaimError
from jiceng.bank.models import Category, EarningRule
from jiceng.regions.models import Level, Region


def rule_list_for(community: Region, on: dt.date | None = None) -> QuerySet[EarningRule]:
    """Rules a claimant of `community` can claim under on a date: the district's and their subdistrict's."""
    on = on or timezone.localdate()
    return (
        EarningRule.objects.filter(
            district__code=community.district_code, is_current=True, active_from__lte=on
        )
        .filter(Q(active_to__isnull=True) | Q(active_to__gte=on))
        .filter(Q(subdistrict__isnull=True) | Q(subdistrict__code=community.subdistrict_code))
        .select_related("charter__community")
        .order_by("category", "code")
    )


def rule_list_for_staff(region: Region) -> QuerySet[EarningRule]:
    """The rules a staff member sees: a community's claimable rules, or every current rule of their area."""
    if region.level == Level.COMMUNITY:
        return rule_list_for(region)
    return (
        EarningRule.objects.filter(district__code=region.district_code, is_current=True)
        .filter(region.subtree_q("subdistrict") | Q(subdistrict__isnull=True))
        .select_related("charter__community")
    )


def rule_list_citing(charter) -> QuerySet[EarningRule]:
    """The current rules that cite this version of a charter or convention, by article."""
    return EarningRule.objects.filter(charter=charter, is_current=True).order_by("charter_article", "code")


def rule_list_editable(district: Region, subdistrict: Region | None) -> QuerySet[EarningRule]:
    """Current rules an administrator may edit: the district's own, or only their subdistrict's local ones."""
    qs = EarningRule.objects.filter(district=district, is_current=True)
    return qs.filter(subdistrict=subdistrict) if subdistrict else qs.filter(subdistrict__isnull=True)


def rule_get_volunteer(district: Region) -> EarningRule:
    """The district-wide volunteer-service rule that activities claim under."""
    rule = (
        EarningRule.objects.filter(
            district=district, category=Category.VOLUNTEER, is_current=True, subdistrict__isnull=True
        )
        .order_by("code")
        .first()
    )
    if rule is None:
        raise ClaimError(_("本区还没有“志愿服务”积分规则，请先在积分规则中添加"))
    return rule
