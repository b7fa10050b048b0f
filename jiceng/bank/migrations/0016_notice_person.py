"""Every notice names its resident (`Notice.person`): the claimant of an award, the recipient of a
disbursement. Existing notices take it from their claim, or from the wallet their transfer credited.

At a real district's scale this fills 16M rows: as one statement it held the notice board locked for over
twenty minutes and wrote the table twice over before committing. So this migration is not atomic: the
column is added without index or constraint (a moment's lock), and filled in ranges of notice ids, each its
own transaction, with a progress bar; the notice board stays readable and the dead row versions of one
range are reusable by the next. 0017 fills whatever the previous release wrote in the meantime, then makes
the column required and builds its index and foreign key once over the filled column."""

import django.db.models.deletion
from django.db import migrations, models, transaction
from django.db.models import Max, Min, OuterRef, Subquery
from tqdm import tqdm

BATCH = 200_000


def fill(apps, schema_editor):
    Notice = apps.get_model("bank", "Notice")
    DeedClaim = apps.get_model("bank", "DeedClaim")
    Transfer = apps.get_model("bank", "Transfer")
    empty = Notice.objects.filter(person__isnull=True)
    bounds = empty.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return
    starts = range(bounds["lo"], bounds["hi"] + 1, BATCH)
    for lo in tqdm(starts, desc="公示：填写居民", unit="批", disable=len(starts) < 5):
        with transaction.atomic(using=schema_editor.connection.alias):
            rows = empty.filter(pk__gte=lo, pk__lt=lo + BATCH)
            if (
                schema_editor.connection.vendor == "postgresql"
            ):  # joined UPDATEs, which the ORM does not write
                for value, source in (
                    ("c.claimant_id", "bank_deedclaim c WHERE c.id = n.claim_id"),
                    ("a.person_id", "bank_transfer t JOIN bank_account a ON a.id = t.credit_id WHERE t.id = n.transfer_id"),
                ):
                    schema_editor.execute(
                        f"UPDATE bank_notice n SET person_id = {value} FROM {source}"
                        " AND n.person_id IS NULL AND n.id >= %s AND n.id < %s",
                        [lo, lo + BATCH],
                    )
                continue
            rows.filter(claim__isnull=False).update(
                person_id=Subquery(
                    DeedClaim.objects.filter(pk=OuterRef("claim_id")).order_by().values("claimant_id")
                )
            )
            rows.filter(person__isnull=True).update(
                person_id=Subquery(
                    Transfer.objects.filter(pk=OuterRef("transfer_id")).order_by().values("credit__person_id")
                )
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("bank", "0015_log_queue_without_transfer_constraint"),
        ("people", "0003_household_number_per_district"),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="person",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notices",
                to="people.person",
                verbose_name="居民",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
