"""Demo: a local earning rule of the first subdistrict written from its first community's convention.

The charters demo (order 320) adopts that community's convention, whose third article asks
residents to sort their rubbish; the subdistrict rewards standing by the bins to help
neighbours sort, citing the article. Made only when missing.
"""

import datetime as dt

from jiceng.bank.models import Category, EarningRule, Evidence, PointsMode
from jiceng.bank.services.rules import rule_create
from jiceng.charters.models import Charter, CharterKind
from jiceng.core.models import User
from jiceng.regions.models import Level, Region

CITED_RULE_CODE = "sorting-duty"
CITED_ARTICLE = "第三条"


def load_cited_rule_demo(district: Region, progress: bool = False) -> None:
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    street = User.objects.filter(username="street").first()
    if (
        sub is None
        or street is None
        or EarningRule.objects.filter(district=district, code=CITED_RULE_CODE).exists()
    ):
        return
    convention = (
        Charter.objects.filter(sub.subtree_q("community"), kind=CharterKind.CONVENTION)
        .order_by("community__code", "-version")
        .first()
    )
    if convention is None:
        return
    rule_create(
        actor=street,
        district=district,
        subdistrict=sub,
        code=CITED_RULE_CODE,
        category=Category.ENVIRONMENT,
        name="垃圾分类桶边值守",
        description="在小区垃圾分类投放点值守一次（不少于 1 小时），指导邻居分类投放。",
        points_mode=PointsMode.FIXED,
        points=2,
        cap_month=20,
        cap_year=150,
        evidence=Evidence.NONE,
        second_review_above=None,
        charter=convention,
        charter_article=CITED_ARTICLE,
        active_from=dt.date(2020, 1, 1),
    )
