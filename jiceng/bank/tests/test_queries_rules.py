"""Reads of earning rules: what staff see, and what an administrator may edit."""

from django.utils import timezone

from jiceng.bank.queries.rules import rule_list_editable, rule_list_for_staff
from jiceng.bank.services.rules import rule_create


def _local(personas, regions, subdistrict, code):
    return rule_create(
        actor=personas["sub_admin"],
        district=regions["district"],
        subdistrict=subdistrict,
        code=code,
        category="environment",
        name="街巷清洁",
        points_mode="fixed",
        points=2,
        evidence="none",
        active_from=timezone.localdate(),
    )


def test_staff_see_the_districts_rules_and_their_own_local_ones(personas, regions, rules):
    mine, theirs = (
        _local(personas, regions, regions["A"], "lane_a"),
        _local(personas, regions, regions["B"], "lane_b"),
    )
    seen = set(rule_list_for_staff(regions["A"]))
    assert mine in seen and theirs not in seen and rules["helping"] in seen
    assert theirs not in set(rule_list_for_staff(regions["A1"])) and mine in set(
        rule_list_for_staff(regions["A1"])
    )
    assert {mine, theirs} <= set(rule_list_for_staff(regions["district"]))


def test_an_administrator_edits_only_their_own_level_of_rules(personas, regions, rules):
    mine = _local(personas, regions, regions["A"], "lane_a")
    assert list(rule_list_editable(regions["district"], regions["A"])) == [mine]
    assert mine not in set(rule_list_editable(regions["district"], None))
    assert rules["helping"] in set(rule_list_editable(regions["district"], None))
