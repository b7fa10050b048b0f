"""Every row of a community worker's file carries the district, and its unique constraints include it.

So that the tables can be distributed by district on Citus (jiceng/tests/test_citus_ready.py).
"""

from django.db import migrations, models

from jiceng.core.migrating import district_added, district_leads

WORKER = {"parent_table": "workforce_communityworker", "via": "worker_id"}


class Migration(migrations.Migration):
    dependencies = [("workforce", "0001_initial"), ("regions", "0001_initial")]

    operations = [
        *district_added("workerevent", table="workforce_workerevent", **WORKER),
        *district_added("gradechange", table="workforce_gradechange", **WORKER),
        *district_added("qualification", table="workforce_qualification", **WORKER),
        *district_added("assessmentresult", table="workforce_assessmentresult", **WORKER),
        *district_added("paysheetrow", table="workforce_paysheetrow", **WORKER),
        *district_leads(
            "gradechange",
            "one_yearly_step_per_cause",
            ("worker", "year", "cause"),
            models.Q(("cause__in", ["seniority", "assessment"])),
        ),
        *district_leads("qualification", "one_qualification_per_level", ("worker", "level")),
        *district_leads("assessmentresult", "one_result_per_year", ("worker", "year")),
        *district_leads("paysheetrow", "one_row_per_worker", ("sheet", "worker")),
    ]
