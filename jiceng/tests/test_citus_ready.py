"""The Citus path, checked on the real database: people and ledger data can be distributed by district.

Citus imposes rules on a distributed table's schema. This test reads the schema of the migrated
test database (Django's introspection, so it runs on SQLite and on PostgreSQL) and checks them
for the tables `jiceng.core.citus` derives (every model of `people` and `bank`, and every table
that points at one, closed), so that a table added later is checked at once:

- it carries `district_id`, NOT NULL, a foreign key to the district's region: the
  distribution column;
- every unique constraint and unique index includes `district_id`, with two mechanical
  exceptions that the move turns into the Citus form (`jiceng citus-script`, docs/deploy.md):
  the primary key `(id)` becomes `PRIMARY KEY (district_id, id)` (Django 5.2 cannot point a
  foreign key at a composite key, so the schema keeps `id`; ids are unique, so the wider key
  holds on every row), and the unique index of a one-to-one link to another distributed table
  becomes `UNIQUE (district_id, x_id)` (a row lives in the district of the row it points at, so
  the wider index refuses exactly what the narrow one did);
- every foreign key points at a distributed table (the co-located route: the move turns
  `(x_id) → t(id)` into `(district_id, x_id) → t(district_id, id)`) or at a reference table.
Reference tables (`citus.REFERENCE`) point only at reference tables. Every other table stays on
the coordinator: it holds no row of people or ledger data and no foreign key into a
distributed table. Over the outsiders' world, filled through the services, every link between
two distributed tables joins rows of one district; on PostgreSQL the move's own statements (all
but the Citus calls) then run on it, so the composite keys hold on rows the product writes.
"""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from jiceng.core import citus
from jiceng.core.citus import distributed_models, label, one_to_one_columns, reference_models

pytestmark = pytest.mark.django_db


def _schema(table: str) -> tuple[dict, dict]:
    with connection.cursor() as cursor:
        columns = {c.name: c for c in connection.introspection.get_table_description(cursor, table)}
        constraints = connection.introspection.get_constraints(cursor, table)
    return columns, constraints


def test_the_seed_apps_hold_distributed_tables_and_what_points_at_them_is_distributed_too():
    distributed = {label(m) for m in distributed_models()}
    for name in ("people.Person", "people.Household", "bank.Transfer", "bank.Account", "bank.LogLeaf"):
        assert name in distributed, f"{name} must be distributed by district"
    # Pulled in by their foreign keys to people or the ledger:
    for name in (
        "diary.DiaryEntry",
        "activities.CheckIn",
        "workforce.CommunityWorker",
        "linkage.GridHousehold",
    ):
        assert name in distributed, f"{name} points at a person or a household and must be distributed"
    clash = distributed & set(citus.REFERENCE)
    assert not clash, f"declared reference tables point at distributed tables: {sorted(clash)}"


def test_every_distributed_table_carries_district_and_its_keys_include_it():
    distributed = distributed_models()
    tables = {m._meta.db_table: m for m in distributed}
    region_table = apps.get_model("regions", "Region")._meta.db_table
    reference_tables = {m._meta.db_table for m in reference_models(distributed)}
    problems = []
    for table, model in sorted(tables.items()):
        columns, constraints = _schema(table)
        district = columns.get("district_id")
        if district is None:
            problems.append(f"{table} ({label(model)}) has no district_id column to distribute it by.")
            continue
        if district.null_ok:
            problems.append(f"{table}.district_id may be NULL; a distribution column may not.")
        if not any(
            c["foreign_key"] == (region_table, "id") and c["columns"] == ["district_id"]
            for c in constraints.values()
        ):
            problems.append(f"{table}.district_id is not a foreign key to {region_table}.")
        pair_columns = one_to_one_columns(model, distributed)
        for name, c in sorted(constraints.items()):
            cols = c["columns"]
            if c["primary_key"]:
                if cols != ["id"]:
                    problems.append(f"{table}'s primary key {name} is {cols}, not (id) as the move expects.")
            elif c["unique"] and "district_id" not in cols:
                if not (len(cols) == 1 and cols[0] in pair_columns):
                    problems.append(
                        f"{table}'s unique constraint {name} on {cols} does not include district_id; "
                        "Citus enforces uniqueness only within a shard."
                    )
            if c["foreign_key"]:
                target = c["foreign_key"][0]
                if target not in tables and target not in reference_tables:
                    problems.append(
                        f"{table}'s foreign key {name} on {cols} points at {target}, "
                        "which is neither distributed nor a reference table."
                    )
    assert not problems, "\n".join(problems)


def test_reference_tables_are_declared_and_point_only_at_reference_tables():
    distributed = distributed_models()
    reference = reference_models(distributed)
    undeclared = sorted(label(m) for m in reference if label(m) not in citus.REFERENCE)
    assert not undeclared, (
        f"distributed tables point at {undeclared}, which are not declared: add each to REFERENCE "
        "with the reason it is small and shared, or let it carry district and be distributed."
    )
    problems = []
    for model in sorted(reference, key=label):
        _columns, constraints = _schema(model._meta.db_table)
        dropped = citus.dropped_columns(model)
        for name, c in sorted(constraints.items()):
            target = c["foreign_key"] and c["foreign_key"][0]
            if (
                target
                and target in {m._meta.db_table for m in distributed}
                and c["columns"][0] not in dropped
            ):
                problems.append(
                    f"reference table {model._meta.db_table}'s foreign key {name} points at the distributed "
                    f"table {target}."
                )
    assert not problems, "\n".join(problems)


def test_the_move_script_hands_every_table_to_citus_in_order():
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("citus_script")
        return
    script = citus.move_script(connection)
    distributed = {m._meta.db_table for m in distributed_models()}
    reference = {m._meta.db_table for m in reference_models(distributed_models())}
    calls = [s for s in script if citus.is_citus_call(s)]
    assert calls[0] == citus.CREATE_EXTENSION
    made = {s.split("'")[1]: s for s in calls[1:]}
    assert set(made) == distributed | reference
    for table in distributed:
        assert "create_distributed_table" in made[table] and "'district_id'" in made[table]
        assert (
            f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, ADD PRIMARY KEY (district_id, id);" in script
        )
    for table in reference:
        assert made[table] == f"SELECT create_reference_table('{table}');"
    order = [s.split("'")[1] for s in calls[1:]]
    for model in reference_models(distributed_models()):  # a reference table after what it points at
        for f in citus.links(model):
            target = f.related_model._meta.db_table
            if target in reference and target != model._meta.db_table:
                assert order.index(target) < order.index(model._meta.db_table), (model, target)


def test_rows_the_services_write_live_in_the_district_of_the_rows_they_point_at(regions, personas):
    """Over the outsiders' world (one of everything, written through the services), every link between
    two distributed tables joins rows of one district; on PostgreSQL the move's keys and composite
    foreign keys (every statement but the Citus calls) are then created over those rows."""
    from jiceng.tests.outsiders_world import build_world

    build_world(regions, personas)
    distributed = distributed_models()
    filled = [m for m in distributed if m.objects.exists()]
    assert len(filled) >= 20, f"the world fills only {len(filled)} distributed tables"
    strays = []
    with connection.cursor() as cursor:
        for model in sorted(distributed, key=label):
            for f in citus.links(model):
                if f.related_model not in distributed:
                    continue
                table, target = model._meta.db_table, f.related_model._meta.db_table
                cursor.execute(
                    f"SELECT COUNT(*) FROM {table} c JOIN {target} p ON p.id = c.{f.column} "
                    "WHERE p.district_id <> c.district_id"
                )
                (n,) = cursor.fetchone()
                if n:
                    strays.append(
                        f"{n} rows of {table} point through {f.column} at {target} rows of another district"
                    )
    assert not strays, "\n".join(strays)
    if connection.vendor != "postgresql":
        return
    statements = [s for s in citus.move_script(connection) if not citus.is_citus_call(s)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the world's rows are checked before the DDL
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the composite foreign keys, on every row
        transaction.set_rollback(True)
