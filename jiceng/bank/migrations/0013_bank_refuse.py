from django.db import migrations

# The ledger's one-statement transfer refuses inside the statement (bank/ledger.py, `_write_few`):
# an overdrawn wallet or an account outside the district raises here, so the statement writes
# nothing, and a use case that is that one statement can run without BEGIN and COMMIT of its own.
# What the refusal is about travels as JSON in the error's detail, for the message the person reads.
PG_FORWARD = """
CREATE FUNCTION bank_refuse(what text, account bigint, available bigint, needed bigint, name text)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'bank_refused',
        DETAIL = json_build_object(
            'what', what, 'account', account, 'available', available, 'needed', needed, 'name', name
        )::text;
END $$;
"""
PG_BACKWARD = "DROP FUNCTION IF EXISTS bank_refuse(text, bigint, bigint, bigint, text);"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ('bank', '0012_redemption_person_reward'),
    ]

    operations = [migrations.RunPython(forward, backward)]
