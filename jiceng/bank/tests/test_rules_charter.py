"""An earning rule may cite an article of a community's charter or convention."""

import datetime as dt

import pytest
from django.utils import timezone

from jiceng.alliance.tests.factories import get, post
from jiceng.bank.models import EarningRule
from jiceng.bank.services.claims import ClaimError
from jiceng.bank.services.rules import rule_create, rule_edit
from jiceng.charters.services import charter_adopt

pytestmark = pytest.mark.django_db


def convention(regions, personas, community="A1"):
    return charter_adopt(
        community=regions[community],
        kind="convention",
        title="社区居民公约",
        body="四、文明养犬。",
        adopted_on=timezone.localdate() - dt.timedelta(days=5),
        attendance=50,
        votes_for=40,
        votes_against=5,
        votes_abstain=5,
        actor=personas["worker"],
    )


def local(personas, regions, **kw):
    return rule_create(
        actor=personas["sub_admin"],
        district=regions["district"],
        subdistrict=regions["A"],
        code=kw.pop("code", "dogs"),
        category="environment",
        name="文明养犬",
        points_mode="fixed",
        points=2,
        evidence="none",
        active_from=timezone.localdate(),
        **kw,
    )


def test_a_rule_cites_an_article_and_keeps_it_across_versions(regions, personas):
    c = convention(regions, personas)
    rule = local(personas, regions, charter=c, charter_article="第四条")
    assert (rule.charter, rule.charter_article) == (c, "第四条")
    new = rule_edit(actor=personas["sub_admin"], rule=rule, points=3)
    assert (new.version, new.charter, new.charter_article) == (2, c, "第四条")


def test_refused_outside_the_rules_region_or_without_a_charter(regions, personas):
    with pytest.raises(ClaimError, match="不属于本规则适用的范围"):
        local(personas, regions, charter=convention(regions, personas, "B1"))
    with pytest.raises(ClaimError, match="请同时选择"):
        local(personas, regions, code="x", charter_article="第四条")
    assert not EarningRule.objects.filter(subdistrict=regions["A"]).exists()


def test_the_form_offers_charters_of_the_region_and_the_list_shows_the_article(client, regions, personas):
    mine, theirs = convention(regions, personas), convention(regions, personas, "B1")
    page = get(client, personas["sub_admin"], "bank:rule_new")
    assert f'value="{mine.pk}"' in page.text and f'value="{theirs.pk}"' not in page.text
    data = {
        "code": "dogs",
        "category": "environment",
        "name": "文明养犬",
        "points_mode": "fixed",
        "points": 2,
        "evidence": "none",
        "active_from": timezone.localdate().isoformat(),
        "charter": mine.pk,
        "charter_article": "第四条",
    }
    assert post(client, personas["sub_admin"], "bank:rule_new", data=data).status_code == 302
    assert "依据《社区居民公约》第四条" in get(client, personas["sub_admin"], "bank:rules").text
