# The assessment groups a district's year of settled award notices by community and resident
# (coverage, earners) and of decided claims by community and whole hour of review (review days).
# PostgreSQL hash-aggregates them; SQLite has no hash aggregate, so its GROUP BY sorted every row
# (16M at a real district's scale: 10-30 s per indicator per run). These two indexes, on SQLite only,
# hold the rows already in group order, so the groups are read off the index with no sort. The
# notices' index also holds kind and state: Django sends them as parameters, so SQLite checks them
# on each row, and without them in the index it read every row from the table in index order
# (71 s instead of 10).
# The claims' expression is exactly the SQL of `assessment.catalogue.bank.WholeHoursBetween` on
# SQLite (an expression index serves only that very expression); `test_assessment_indexes` holds
# both queries to their index.
from django.db import migrations

INDEXES = {
    "notice_earners": (
        'CREATE INDEX "notice_earners" ON "bank_notice" ("district_id", "community_id", "person_id", '
        "\"ends_at\", \"kind\", \"state\") WHERE \"kind\" = 'award' AND \"state\" = 'settled'"
    ),
    "claim_review_hours": (
        'CREATE INDEX "claim_review_hours" ON "bank_deedclaim" ("district_id", "community_id", '
        '(CAST(round((julianday("decided_at") - julianday("created_at")) * 86400000) AS INTEGER) / 3600000), '
        '"decided_at") WHERE "decided_at" IS NOT NULL'
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in INDEXES.values():
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("bank", "0018_notice_board"),
    ]

    operations = [migrations.RunPython(create, drop)]
