"""Every row of a community worker's file carries the district, and its unique constraints include it.

So that the tables can be distributed by district on Citus (jiceng/tests/test_citus_ready.py).
"""

from django.db import migrations, models

from jiceng.core.migrating import district_added

WORKER = {"parent_table": "workforce_communityworker", "via": "worker_id"}


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial"), ("regions", "0001_initial")]

    operations = [
        *district_added("workerevent", table="workforce_workerevent", **WORKER),
        *district_added("gradechange", table="workforce_gradechange", **WORKER),
        *district_added("qualification", table="workforce_qualification", **WORKER),
        *district_added("assessmentresult", table="workforce_assessmentresult", **WORKER),
        *district_added("paysheetrow", table="workforce_paysheetrow", **WORKER),
        migrations.RemoveConstraint(model_name="gradechange", name="one_yearly_step_per_cause"),
        migrations.AddConstraint(
            model_name="gradechange",
            constraint=models.UniqueConstraint(
                condition=models.Q(("cause__in", ["seniority", "assessment"])),
                fields=("district", "worker", "year", "cause"),
                name="one_yearly_step_per_cause",
            ),
        ),
        migrations.RemoveConstraint(model_name="qualification", name="one_qualification_per_level"),
        migrations.AddConstraint(
            model_name="qualification",
            constraint=models.UniqueConstraint(
                fields=("district", "worker", "level"), name="one_qualification_per_level"
            ),
        ),
        migrations.RemoveConstraint(model_name="assessmentresult", name="one_result_per_year"),
        migrations.AddConstraint(
            model_name="assessmentresult",
            constraint=models.UniqueConstraint(fields=("district", "worker", "year"), name="one_result_per_year"),
        ),
        migrations.RemoveConstraint(model_name="paysheetrow", name="one_row_per_worker"),
        migrations.AddConstraint(
            model_name="paysheetrow",
            constraint=models.UniqueConstraint(fields=("district", "sheet", "worker"), name="one_row_per_worker"),
        ),
    ]
