"""Earning rules: editing writes a new version and keeps the points already given."""

from jiceng.bank.services.rules import rule_edit
from jiceng.bank.tests.factories import file_claim


def test_editing_a_rule_keeps_points_already_given(personas, rules):
    me = personas["resident"]
    claim = file_claim(me, me.person, rules["helping"])
    new = rule_edit(actor=personas["district_admin"], rule=rules["helping"], points=8)
    assert (new.version, new.points) == (2, 8)
    claim.refresh_from_db()
    assert claim.points == 5 and claim.rule.version == 1
    assert file_claim(me, me.person, new).points == 8
