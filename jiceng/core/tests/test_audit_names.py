"""The audit trail names a person only masked: in the record's label and in the before/after."""

import importlib

import pytest
from django.apps import apps as django_apps

from conftest import make_person
from jiceng.core.audit import audit, snapshot
from jiceng.core.audit_log import entry_describe
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_a_person_s_record_is_labelled_with_the_masked_name(regions, personas):
    person = make_person(regions["A1"], "欧阳明华")
    entry = audit(personas["worker"], "people.person_update", person, after=snapshot(person))
    assert entry.target_repr == "欧**华"
    assert entry.after["name"] == "欧**华"
    assert "欧阳明华" not in entry_describe(entry)
    # Outside the trail the name stands in full: staff pick people from lists by it.
    assert str(person) == "欧阳明华"


def test_a_record_named_after_a_person_masks_the_name_in_its_label(regions, personas):
    from jiceng.bank.tests.factories import file_claim, rules_seeded

    rule = next(r for r in rules_seeded(regions["district"]).values() if r.evidence == "none")
    claim = file_claim(personas["resident"], personas["resident"].person, rule)
    entry = audit(personas["worker"], "bank.claim_review", claim)
    assert entry.target_repr.startswith("李*国 · ")
    assert "李建国" in str(claim)


def test_a_user_is_labelled_masked_and_their_display_name_is_masked(personas):
    user = personas["resident"]
    user.display_name = "李建国"
    entry = audit(personas["district_admin"], "core.user_update", user, after=snapshot(user))
    assert entry.target_repr == "李*国" and entry.after["display_name"] == "李*国"


def test_the_migration_masks_labels_written_before(regions, personas):
    person = make_person(regions["A1"], "张三丰")
    old = AuditLog.objects.create(
        action="people.person_update",
        target_type="people.Person",
        target_id=str(person.pk),
        target_repr="张三丰",
        before={"name": "张三丰"},
        after={"name": "张三"},
    )
    claim = AuditLog.objects.create(
        action="bank.claim_review",
        target_type="bank.DeedClaim",
        target_id="1",
        target_repr="张三丰 · 助人为乐 · 5",
    )
    untouched = AuditLog.objects.create(
        action="orgs.create", target_type="orgs.Organization", target_repr="示范单位"
    )
    migration = importlib.import_module("jiceng.core.migrations.0004_mask_names_in_audit_labels")
    migration.forwards(django_apps, None)
    old.refresh_from_db()
    claim.refresh_from_db()
    untouched.refresh_from_db()
    assert (old.target_repr, old.before, old.after) == ("张*丰", {"name": "张*丰"}, {"name": "张*"})
    assert claim.target_repr == "张*丰 · 助人为乐 · 5"
    assert untouched.target_repr == "示范单位"
