"""Score lines keep their records as a compact set of ids per model (`RecordSet.encode`) and a count,
in place of a JSON list of [label, id] pairs."""

from django.db import migrations, models

from jiceng.assessment.records import RecordSet


def pairs_to_set(apps, schema_editor):
    ScoreLine = apps.get_model("assessment", "ScoreLine")
    for line in ScoreLine.objects.only("pk", "records").iterator(chunk_size=500):
        records = RecordSet.from_pairs(line.records or [])
        ScoreLine.objects.filter(pk=line.pk).update(record_ids=records.encode(), record_count=len(records))


def set_to_pairs(apps, schema_editor):
    ScoreLine = apps.get_model("assessment", "ScoreLine")
    for line in ScoreLine.objects.only("pk", "record_ids").iterator(chunk_size=500):
        pairs = [list(pair) for pair in RecordSet.decode(line.record_ids)]
        ScoreLine.objects.filter(pk=line.pk).update(records=pairs)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0004_manual_entry_for_units")]

    operations = [
        migrations.AddField(
            model_name="scoreline",
            name="record_ids",
            field=models.BinaryField(default=b"", verbose_name="所依据的记录"),
        ),
        migrations.AddField(
            model_name="scoreline",
            name="record_count",
            field=models.PositiveIntegerField(default=0, verbose_name="所依据的记录数"),
        ),
        migrations.RunPython(pairs_to_set, set_to_pairs),
        migrations.RemoveField(model_name="scoreline", name="records"),
    ]
