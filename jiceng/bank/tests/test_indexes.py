"""No index on the ledger's tables is paid for twice: a single-column index whose column already
leads a composite index or unique constraint (one without a condition) serves no lookup the
composite does not, and every insert would update both."""

import pytest
from django.apps import apps
from django.db import connection, models

pytestmark = pytest.mark.django_db


def _leads(model) -> set[str]:
    """The columns that lead a composite index or unique constraint covering every row."""
    meta = model._meta
    composites = [i.fields for i in meta.indexes if not i.condition and not i.expressions]
    composites += [
        c.fields for c in meta.constraints if isinstance(c, models.UniqueConstraint) and not c.condition
    ]
    composites += [list(u) for u in meta.unique_together]
    return {meta.get_field(f.lstrip("-")).column for f in (fs[0] for fs in composites if len(fs) > 1)}


def test_no_single_column_index_repeats_the_lead_of_a_composite():
    repeated = []
    with connection.cursor() as cursor:
        for model in apps.get_app_config("bank").get_models():
            leads = _leads(model)
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for name, c in found.items():
                single = c["index"] and not c["unique"] and not c["primary_key"] and len(c["columns"]) == 1
                if single and c["columns"][0] in leads:
                    repeated.append(f"{model._meta.db_table}.{name}")
    assert repeated == [], "\n".join(repeated)


def test_the_per_person_limit_reads_one_persons_vouchers_of_one_reward():
    """The redemption's statement counts the person's vouchers of the reward; without an index on
    both, PostgreSQL read every voucher of a popular reward on every redemption."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "bank_redemption")
    leading = [c["columns"][:2] for c in found.values() if c["index"]]
    assert ["person_id", "reward_id"] in leading, leading


MOSTLY_EMPTY = [  # foreign keys empty on most rows: indexed only where set
    ("bank_transfer", "operator_id"),
    ("bank_transfer", "reverses_id"),
    ("bank_redemption", "collected_by_id"),
    ("bank_redemption", "cancelled_by_id"),
    ("bank_deedclaim", "diary_entry_id"),
]


def _index_sql(table: str, column: str) -> list[str]:
    """The definitions of the indexes on exactly (column) of table, as the database holds them."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
        names = [n for n, c in found.items() if c["index"] and c["columns"] == [column]]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s", [table]
            )
        sql = dict(cursor.fetchall())
    return [sql[n] for n in names]


@pytest.mark.parametrize(("table", "column"), MOSTLY_EMPTY)
def test_a_mostly_empty_foreign_key_is_indexed_only_where_set_and_a_lookup_uses_it(table, column):
    indexes = _index_sql(table, column)
    assert len(indexes) == 1, indexes
    bare = "".join(ch for ch in indexes[0] if ch not in '()"')
    assert f"WHERE {column} IS NOT NULL" in bare, indexes[0]
    name = indexes[0].split('"')[1] if connection.vendor == "sqlite" else indexes[0].split()[2]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN SELECT id FROM {table} WHERE {column} = %s", [1])
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN SELECT id FROM {table} WHERE {column} = %s", [1])
        plan = " ".join(str(r) for r in cursor.fetchall())
    assert name in plan, plan
