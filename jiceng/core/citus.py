"""Which tables Citus distributes by district, which it copies to every node, and the script of the move.

Citus (distributed PostgreSQL) splits a *distributed* table into shards by one column and
copies a *reference* table whole to every node; every other table stays on the coordinator.
The distributed tables are derived from the models, not listed, so a table added later is
classified at once (jiceng/tests/test_citus_ready.py checks the rules on the real schema):

1. every model of the `people` and `bank` apps (the residents and the ledger), except the
   ones in `SEED_REFERENCE`, and
2. every table with a foreign key to a distributed table (Citus allows no foreign key from a
   reference or a coordinator table into a distributed one), except the foreign keys in
   `DROPPED_AT_CITUS`, repeated until nothing is added. That pulls in the residents' records of
   the other apps (diaries, sign-ups and check-ins, report-ins, needs, community workers' files,
   grid households) and what points at them.

The reference tables are the tables the distributed ones point at, and what those point at;
each is declared in `REFERENCE` with its reason. The module reads the apps registry only
(labels, never imports), so it stays on the ground floor.

`move_script()` writes the move for a PostgreSQL database migrated by Django: the primary key
`(id)` becomes `(district_id, id)`, the unique index of each one-to-one link to another
distributed table becomes `(district_id, x_id)`, every foreign key between two distributed
tables becomes `(district_id, x_id) → t(district_id, id)`, and the tables are handed to Citus.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models

SEED_APPS = ("people", "bank")
COLOCATE_WITH = "people_person"

# Models of the seed apps that are configuration or membership, not people or ledger data.
SEED_REFERENCE = {
    "bank.EarningRule": "the earning rules: a few hundred versioned rows, read by every claim and review",
    "bank.AlliancePartner": "the Moral Alliance's member units, read on every shelf and voucher and by "
    "the assessment's sanctions",
}

# Every table a distributed table points at, directly or through another reference table.
REFERENCE = {
    "regions.Region": "the national division tree; every scope is a range of its codes",
    "core.User": "logins: a phone number or user name is looked up before any district is known",
    "orgs.Organization": "units, party organisations and social organisations of the deployment",
    "charters.Charter": "the communities' charters and conventions that earning rules cite",
    "activities.Activity": "activities residents sign up for and check in to",
    "alliance.Alliance": "the joint meetings that co-host activities",
    "alliance.Action": "alliance actions that activities serve",
    "alliance.Resolution": "the meeting resolutions behind alliance actions",
    "alliance.Meeting": "the alliance meetings behind resolutions",
    "alliance.AgendaItem": "the agenda items behind resolutions",
    "alliance.AllianceMember": "the member organisations that propose agenda items",
    "alliance.ServicePost": "the service posts party members report in to",
    "alliance.Resource": "the units' resources that projects use",
    "circle.ServicePlace": "the service places where activities are held",
    "workforce.PaySheet": "a subdistrict's monthly pay sheet, whose rows name community workers",
    **SEED_REFERENCE,
}

# Foreign keys from a reference table into a distributed table: Citus has no such constraint,
# so the move drops the constraint and keeps the column (the product still joins on it).
DROPPED_AT_CITUS = {
    ("core.User", "person"): "a resident's login names their person row; the user table is a "
    "reference table, so the move keeps person_id as a plain column",
}


def _models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def label(model) -> str:
    return model._meta.label


def links(model) -> list:
    """The model's foreign keys and one-to-one links (concrete fields with a column)."""
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def distributed_models() -> set[type[models.Model]]:
    found = {m for m in _models() if m._meta.app_label in SEED_APPS and label(m) not in SEED_REFERENCE}
    grew = True
    while grew:
        grew = False
        for m in _models():
            if m in found or label(m) in SEED_REFERENCE:
                continue
            if any(f.related_model in found and (label(m), f.name) not in DROPPED_AT_CITUS for f in links(m)):
                found.add(m)
                grew = True
    return found


def reference_models(distributed) -> set[type[models.Model]]:
    """The tables distributed tables point at, and the tables those point at, closed."""
    found: set = set()
    todo = list(distributed)
    while todo:
        for f in links(todo.pop()):
            target = f.related_model
            if target not in distributed and target not in found:
                found.add(target)
                todo.append(target)
    return found


def one_to_one_columns(model, distributed) -> set[str]:
    """Columns of the model's one-to-one links to distributed tables (unique alone, today)."""
    return {f.column for f in model._meta.concrete_fields if f.one_to_one and f.related_model in distributed}


def dropped_columns(model) -> set[str]:
    return {model._meta.get_field(name).column for (lab, name) in DROPPED_AT_CITUS if lab == label(model)}


@dataclass
class Schema:
    """What the move needs to know of the database: the constraints of each table."""

    constraints: dict[str, dict]

    @classmethod
    def read(cls, connection, tables) -> "Schema":
        with connection.cursor() as cursor:
            return cls({t: connection.introspection.get_constraints(cursor, t) for t in tables})


def _in_dependency_order(tables: dict[str, type[models.Model]]) -> list[str]:
    """Reference tables, each after the tables it points at (self-references aside)."""
    done: list[str] = []

    def visit(table, path=()):
        if table in done or table in path:
            return
        for f in links(tables[table]):
            target = f.related_model._meta.db_table
            if target in tables and target != table:
                visit(target, (*path, table))
        done.append(table)

    for table in sorted(tables):
        visit(table)
    return done


def move_script(connection) -> list[str]:
    """The SQL statements of the move to Citus, in order, for this (PostgreSQL) database."""
    distributed = distributed_models()
    reference = reference_models(distributed)
    d_tables = {m._meta.db_table: m for m in distributed}
    r_tables = {m._meta.db_table: m for m in reference}
    schema = Schema.read(connection, [*d_tables, *r_tables])
    drop, narrow, readd = [], [], []
    for table, model in sorted(r_tables.items()):
        for name, c in sorted(schema.constraints[table].items()):
            if (
                c["foreign_key"]
                and c["foreign_key"][0] in d_tables
                and c["columns"][0] in dropped_columns(model)
            ):
                drop.append(f"ALTER TABLE {table} DROP CONSTRAINT {name};")
    for table, model in sorted(d_tables.items()):
        pairs = one_to_one_columns(model, distributed)
        for name, c in sorted(schema.constraints[table].items()):
            cols = c["columns"]
            if c["foreign_key"] and c["foreign_key"][0] in d_tables:
                target, key = c["foreign_key"]
                drop.append(f"ALTER TABLE {table} DROP CONSTRAINT {name};")
                readd.append(
                    f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY (district_id, {cols[0]}) "
                    f"REFERENCES {target} (district_id, {key}) DEFERRABLE INITIALLY DEFERRED;"
                )
            elif c["primary_key"]:
                narrow.append(
                    f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD PRIMARY KEY (district_id, id);"
                )
            elif c["unique"] and len(cols) == 1 and cols[0] in pairs:
                narrow.append(
                    f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} UNIQUE (district_id, {cols[0]});"
                )
    hand_over = [f"SELECT create_reference_table('{t}');" for t in _in_dependency_order(r_tables)]
    hand_over.append(f"SELECT create_distributed_table('{COLOCATE_WITH}', 'district_id');")
    hand_over += [
        f"SELECT create_distributed_table('{t}', 'district_id', colocate_with => '{COLOCATE_WITH}');"
        for t in sorted(d_tables)
        if t != COLOCATE_WITH
    ]
    # Foreign keys between distributed tables come back once both sides are distributed.
    return [*drop, *narrow, CREATE_EXTENSION, *hand_over, *readd]


CREATE_EXTENSION = "CREATE EXTENSION IF NOT EXISTS citus;"


def is_citus_call(statement: str) -> bool:
    """The statements only a Citus server runs; the rest is plain PostgreSQL DDL."""
    return statement == CREATE_EXTENSION or statement.startswith("SELECT create_")
