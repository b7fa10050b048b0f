"""Only the birth year stays in clear; the masked ID hides digits 7-16; old audit entries are masked.

See docs/ARCHITECTURE.md, "Personal information": with the birth date and the old masked ID
(digits 1-6 and 15-18) in clear, every ID number could be rebuilt without the keys.
"""

from django.db import migrations, models


def _remask(masked: str) -> str:
    # The old mask kept digits 1-6 and 15-18; the new one keeps 1-6 and 17-18. No key needed.
    if len(masked) != 18:
        return masked
    return masked[:6] + "*" * 10 + masked[-2:]


def forwards(apps, schema_editor):
    from jiceng.core.audit import mask_personal

    Person = apps.get_model("people", "Person")
    AuditLog = apps.get_model("core", "AuditLog")
    people = list(Person.objects.only("id", "birth_date", "id_number_masked"))
    for p in people:
        p.birth_year = p.birth_date.year if p.birth_date else None
        p.id_number_masked = _remask(p.id_number_masked)
    Person.objects.bulk_update(people, ["birth_year", "id_number_masked"], batch_size=2000)
    entries = list(AuditLog.objects.only("id", "before", "after"))
    for e in entries:
        e.before, e.after = mask_personal(e.before), mask_personal(e.after)
    AuditLog.objects.bulk_update(entries, ["before", "after"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_import_job_queue"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="birth_year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="出生年份"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="person", name="birth_date"),
    ]
