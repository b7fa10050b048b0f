"""Operations that migrations share: a `district` column added to a table that lacked it.

Every row of people and ledger data carries its district (docs/ARCHITECTURE.md, "Tenancy and
scale"), so that the tables can be distributed by district on Citus. A table that lacked it
takes it from the row it belongs to: a claim's photo from the claim, a donation from its transfer.
"""

from django.db import migrations, models


def _district(*, null: bool) -> models.ForeignKey:
    return models.ForeignKey(
        null=null, on_delete=models.PROTECT, related_name="+", to="regions.region", verbose_name="区"
    )


def district_added(model_name: str, *, table: str, parent_table: str, via: str) -> list:
    """Add `district` to `model_name`, copied from `parent_table`'s row named by column `via`."""

    def fill(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET district_id = "
                f"(SELECT p.district_id FROM {parent_table} p WHERE p.id = {table}.{via})"
            )
            if schema_editor.connection.vendor == "postgresql":
                # The new foreign key is deferred; checking it now lets the next step alter the table.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    return [
        migrations.AddField(model_name=model_name, name="district", field=_district(null=True)),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(model_name=model_name, name="district", field=_district(null=False)),
    ]


def district_leads(model_name: str, name: str, fields: tuple[str, ...], condition=None) -> list:
    """Put `district` first in the unique constraint `name` (on `fields`, with its `condition`)."""
    return [
        migrations.RemoveConstraint(model_name=model_name, name=name),
        migrations.AddConstraint(
            model_name=model_name,
            constraint=models.UniqueConstraint(fields=("district", *fields), condition=condition, name=name),
        ),
    ]
