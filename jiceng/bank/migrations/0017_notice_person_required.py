import importlib

import django.db.models.deletion
from django.db import migrations, models

# the notices the previous release wrote while 0016 filled the others
fill = importlib.import_module("jiceng.bank.migrations.0016_notice_person").fill


class Migration(migrations.Migration):
    dependencies = [("bank", "0016_notice_person")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="notice",
            name="person",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notices",
                to="people.person",
                verbose_name="居民",
            ),
        ),
    ]
