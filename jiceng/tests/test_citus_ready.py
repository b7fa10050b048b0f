"""The Citus path, checked on the real database: people and ledger data can be distributed by district.

Citus (distributed PostgreSQL) splits a *distributed* table into shards by one column and
copies a *reference* table whole to every node. It imposes rules on the schema, and this
test reads the schema from the migrated test database (Django's introspection, so it runs on
SQLite and on PostgreSQL) and checks them. docs/deploy.md "按区分布（Citus）" has the commands.

Which tables are distributed is derived, not listed, so a table added later is caught:
1. every model of the `people` and `bank` apps (the residents and the ledger), except the
   ones declared in `SEED_REFERENCE`, and
2. every table with a foreign key to a distributed table (Citus allows no foreign key from a
   reference or a coordinator-local table into a distributed one), except the foreign keys in
   `DROPPED_AT_CITUS`, repeated until nothing is added. That pulls in the residents' records
   of the other apps (diaries, check-ins, report-ins, needs, community workers' files, grid
   households) and everything that points at them.

The rules asserted for each distributed table:
- it carries `district_id`, NOT NULL, a foreign key to the district's region: the
  distribution column;
- every unique constraint and unique index includes `district_id`, with two mechanical
  exceptions, each turned into the Citus form by the move (docs/deploy.md): the primary key
  `(id)` becomes `PRIMARY KEY (district_id, id)` (Django 5.2 cannot point a foreign key at a
  composite key, so the schema keeps `id`; ids are unique, so the wider key holds on every
  existing row), and the unique index of a one-to-one link to another distributed table
  becomes `UNIQUE (district_id, x_id)` (a row lives in the district of the row it points at,
  so the wider index refuses exactly what the narrow one did);
- every foreign key points at a distributed table (the co-located route: the move turns
  `(x_id) → t(id)` into `(district_id, x_id) → t(district_id, id)`) or at a reference table.
Reference tables (`REFERENCE`) may point only at reference tables. Every other table stays
on the coordinator (sessions, the audit trail, the task queue, roll-ups, assessment runs):
it holds no row of people or ledger data and no foreign key into a distributed table.
"""

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = pytest.mark.django_db

SEED_APPS = ("people", "bank")

# Models of the seed apps that are configuration or membership, not people or ledger data.
SEED_REFERENCE = {
    "bank.EarningRule": "the district's and subdistricts' earning rules: a few hundred versioned rows, "
    "read by every claim and review",
    "bank.AlliancePartner": "the Moral Alliance's member units (one per organisation), read on every "
    "shelf and voucher and by the assessment's sanctions",
}

# Every table a distributed table points at, directly or through another reference table.
REFERENCE = {
    "regions.Region": "the national division tree; every scope is a range of its codes",
    "core.User": "logins: a phone number or user name is looked up before any district is known",
    "orgs.Organization": "units, party organisations and social organisations of the whole deployment",
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


def _label(model) -> str:
    return model._meta.label


def _links(model):
    """The model's foreign keys and one-to-one links (concrete fields with a column)."""
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def distributed_models() -> set[type[models.Model]]:
    found = {m for m in _models() if m._meta.app_label in SEED_APPS and _label(m) not in SEED_REFERENCE}
    grew = True
    while grew:
        grew = False
        for m in _models():
            if m in found or _label(m) in SEED_REFERENCE:
                continue
            if any(
                f.related_model in found and (_label(m), f.name) not in DROPPED_AT_CITUS for f in _links(m)
            ):
                found.add(m)
                grew = True
    return found


def reference_models(distributed) -> set[type[models.Model]]:
    """The tables distributed tables point at, and the tables those point at, closed."""
    found: set = set()
    todo = list(distributed)
    while todo:
        for f in _links(todo.pop()):
            target = f.related_model
            if target not in distributed and target not in found:
                found.add(target)
                todo.append(target)
    return found


def _one_to_one_columns(model, distributed) -> set[str]:
    return {f.column for f in model._meta.concrete_fields if f.one_to_one and f.related_model in distributed}


def _schema(table: str) -> tuple[dict, dict]:
    with connection.cursor() as cursor:
        columns = {c.name: c for c in connection.introspection.get_table_description(cursor, table)}
        constraints = connection.introspection.get_constraints(cursor, table)
    return columns, constraints


def test_the_seed_apps_hold_distributed_tables_and_what_points_at_them_is_distributed_too():
    distributed = {_label(m) for m in distributed_models()}
    for label in ("people.Person", "people.Household", "bank.Transfer", "bank.Account", "bank.LogLeaf"):
        assert label in distributed, f"{label} must be distributed by district"
    # Pulled in by their foreign keys to people or the ledger:
    for label in (
        "diary.DiaryEntry",
        "activities.CheckIn",
        "workforce.CommunityWorker",
        "linkage.GridHousehold",
    ):
        assert label in distributed, f"{label} points at a person or a household and must be distributed"
    clash = distributed & set(REFERENCE)
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
            problems.append(f"{table} ({_label(model)}) has no district_id column to distribute it by.")
            continue
        if district.null_ok:
            problems.append(f"{table}.district_id may be NULL; a distribution column may not.")
        if not any(
            c["foreign_key"] == (region_table, "id") and c["columns"] == ["district_id"]
            for c in constraints.values()
        ):
            problems.append(f"{table}.district_id is not a foreign key to {region_table}.")
        pair_columns = _one_to_one_columns(model, distributed)
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
    undeclared = sorted(_label(m) for m in reference if _label(m) not in REFERENCE)
    assert not undeclared, (
        f"distributed tables point at {undeclared}, which are not declared: add each to REFERENCE "
        "with the reason it is small and shared, or let it carry district and be distributed."
    )
    problems = []
    for model in sorted(reference, key=_label):
        _columns, constraints = _schema(model._meta.db_table)
        dropped = {
            model._meta.get_field(name).column for (label, name) in DROPPED_AT_CITUS if label == _label(model)
        }
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
