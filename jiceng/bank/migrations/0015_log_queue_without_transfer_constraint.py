import importlib

import django.db.models.deletion
from django.db import migrations, models

# The queue's transfer column loses its foreign-key constraint: only the trigger on bank_transfer
# writes it, from the row it fires for, in the same statement, and transfers are never deleted.
# Checking it for every queued row at commit cost a batch award of 100k transfers about 0.3 s on
# PostgreSQL, where this only drops the constraint. SQLite rebuilds the table to drop it, and a
# trigger that names a table being rebuilt stops the rename, so its two triggers (bank 0010) are
# dropped around the rebuild and made again.
queue = importlib.import_module("jiceng.bank.migrations.0010_log_queue")


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("bank", "0014_partial_indexes_where_set"),
    ]

    operations = [
        migrations.RunPython(_run(queue.SQLITE_BACKWARD), _run(queue.SQLITE_FORWARD)),
        migrations.AlterField(
            model_name="logqueue",
            name="transfer",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="log_queue",
                to="bank.transfer",
            ),
        ),
        migrations.RunPython(_run(queue.SQLITE_FORWARD), _run(queue.SQLITE_BACKWARD)),
    ]
