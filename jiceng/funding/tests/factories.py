"""Builders for funding tests."""

import datetime as dt
import random

from jiceng.core.validators import USCC_CHARS, uscc_check_char
from jiceng.funding import services
from jiceng.funding.models import BudgetKind
from jiceng.orgs.models import Kind, Organization, RegistrationType


def credit_code(seed: int = 1) -> str:
    rng = random.Random(seed)
    first17 = "52510107" + "".join(rng.choice(USCC_CHARS) for _ in range(9))
    return first17 + uscc_check_char(first17)


def social_org(region, name="乐龄社工服务中心", seed=1) -> Organization:
    return Organization.objects.create(
        district=region
        if region.level == "district"
        else region.__class__.objects.get(code=region.district_code),
        region=region,
        kind=Kind.SOCIAL,
        name=name,
        uscc=credit_code(seed),
        registration_type=RegistrationType.PRIVATE_NONPROFIT,
        registered_on=dt.date(2020, 5, 1),
    )


def funded(regions, actor, *, year=2026, kind=BudgetKind.SERVICE, district=100000, sub=0):
    """A district line holding `district` yuan, and subdistrict A's line with `sub` passed down to it."""
    top = services.budget_set(actor=actor, region=regions["district"], year=year, kind=kind, amount=district)
    line = services.budget_line(regions["A"], year, kind)
    if sub:
        services.allocation_make(actor=actor, source=top, target_region=regions["A"], amount=sub)
    return top, line


def contract(regions, actor, provider, budget, *, year=2026, **kw):
    return services.contract_create(
        actor=actor,
        buyer=kw.pop("buyer", regions["A"]),
        provider=provider,
        budget=budget,
        title=kw.pop("title", "甲街道为老服务项目"),
        amount=kw.pop("amount", 50000),
        starts_on=kw.pop("starts_on", dt.date(year, 1, 1)),
        ends_on=kw.pop("ends_on", dt.date(year, 12, 31)),
        method=kw.pop("method", "consultation"),
        target_people=kw.pop("target_people", 100),
        target_sessions=kw.pop("target_sessions", 12),
        target_needs=kw.pop("target_needs", 5),
    )
