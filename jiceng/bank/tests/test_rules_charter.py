"""An earning rule may cite an article of a community's charter or convention."""

import datetime as dt

import pytest
from django.urls import reverse
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
    assert (
        f"依据{regions['A1'].name}《社区居民公约》第四条"
        in get(client, personas["sub_admin"], "bank:rules").text
    )


def test_the_resident_sees_the_article_on_the_claim_form_and_the_community_page(client, regions, personas):
    c = convention(regions, personas)
    rule = local(personas, regions, charter=c, charter_article="第四条")
    page = get(client, personas["resident"], "bank:claim_new").text
    assert (
        f'<option value="{rule.pk}">文明养犬（2 分） · 依据{regions["A1"].name}《社区居民公约》第四条</option>'
        in page
    )
    client.logout()
    page = client.get(reverse("portal:community", args=[regions["A1"].code])).content.decode()
    assert "依据本文件的道德银行积分规则：第四条 文明养犬（2 分）" in page


def test_the_charter_page_lists_the_current_rules_citing_it(client, regions, personas):
    c = convention(regions, personas)
    rule = local(personas, regions, charter=c, charter_article="第四条")
    rule = rule_edit(actor=personas["sub_admin"], rule=rule, points=3)  # only the current version counts
    local(personas, regions, code="other")  # cites nothing
    page = get(client, personas["worker"], "charters:detail", c.pk).text
    assert page.count("data-citing-rule=") == 1
    assert f'data-citing-rule="{rule.pk}"><strong>第四条</strong>：文明养犬（3 分）' in page


def test_the_demo_has_a_rule_citing_the_demo_conventions_third_article(regions):
    from conftest import make_user
    from jiceng.bank.demo_rules import load_cited_rule_demo
    from jiceng.bank.queries.rules import rule_list_for
    from jiceng.charters.demo import load_charters_demo
    from jiceng.core.models import Role
    from jiceng.demo import registry

    loaders = registry.loaders()
    assert loaders.index(load_charters_demo) < loaders.index(load_cited_rule_demo)
    make_user("worker", Role.COMMUNITY_WORKER, region=regions["A1"])
    make_user("street", Role.SUBDISTRICT_ADMIN, region=regions["A"])
    load_charters_demo(regions["district"])
    load_cited_rule_demo(regions["district"])
    load_cited_rule_demo(regions["district"])
    rule = EarningRule.objects.get(charter__isnull=False)
    assert (rule.name, rule.charter.kind, rule.charter.community, rule.charter_article) == (
        "垃圾分类桶边值守",
        "convention",
        regions["A1"],
        "第三条",
    )
    assert "三、垃圾分类" in rule.charter.body
    assert rule in rule_list_for(regions["A1"]) and rule in rule_list_for(regions["A2"])
