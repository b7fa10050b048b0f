"""Entries written before names were masked in the trail: mask the person's name in their labels.

A label begins with the person's name for these records (a person, a user, and the records
named after a person: "name · rule · points", "name → community", "name（origin）"); the
before/after of a person or a user keeps its name field masked as `audit` now writes it.
"""

import re

from django.db import migrations

from jiceng.core.crypto import mask_name

NAMED_AFTER_A_PERSON = (
    "people.Person",
    "people.PartyMembership",
    "core.User",
    "bank.DeedClaim",
    "bank.PersonInNeed",
    "activities.SignUp",
    "activities.CheckIn",
    "alliance.ReportIn",
)
NAME_FIELDS = {"people.Person": "name", "core.User": "display_name"}
LEADING_NAME = re.compile(r"^([^\s·（(→]+)")


def _masked_label(label: str) -> str:
    return LEADING_NAME.sub(lambda m: mask_name(m.group(1)), label, count=1)


def forwards(apps, schema_editor):
    AuditLog = apps.get_model("core", "AuditLog")
    changed = []
    for entry in AuditLog.objects.filter(target_type__in=NAMED_AFTER_A_PERSON).iterator(chunk_size=2000):
        label = _masked_label(entry.target_repr)
        sides = []
        field = NAME_FIELDS.get(entry.target_type)
        for side in (entry.before, entry.after):
            if field and isinstance(side, dict) and side.get(field) and "*" not in side[field]:
                side = {**side, field: mask_name(side[field])}
            sides.append(side)
        if label != entry.target_repr or sides != [entry.before, entry.after]:
            entry.target_repr, (entry.before, entry.after) = label, sides
            changed.append(entry)
    AuditLog.objects.bulk_update(changed, ["target_repr", "before", "after"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_grid_worker_role")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
