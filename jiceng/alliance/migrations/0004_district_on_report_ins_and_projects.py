"""Report-ins' confirmations, posts and projects, and projects' resources carry the district.

The three many-to-many tables get models of their own (the tables Django made are kept,
renamed nothing), so that each row can carry its district; unique constraints include it.
For the distribution by district on Citus (jiceng/tests/test_citus_ready.py).
"""

import django.db.models.deletion
from django.db import migrations, models

from jiceng.core.migrating import district_added, district_leads


def _link(name: str, table: str, left: tuple[str, str], right: tuple[str, str]):
    return migrations.CreateModel(
        name=name,
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            (left[0], models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=left[1])),
            (right[0], models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to=right[1])),
        ],
        options={"db_table": table, "unique_together": {(left[0], right[0])}},
    )


def _once(model_name: str, fields: tuple[str, ...], name: str) -> list:
    return [
        migrations.AlterUniqueTogether(name=model_name, unique_together=set()),
        migrations.AddConstraint(
            model_name=model_name, constraint=models.UniqueConstraint(fields=("district", *fields), name=name)
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [("alliance", "0003_community_alliances_and_checkin"), ("regions", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                _link("ReportInPost", "alliance_reportin_posts", ("reportin", "alliance.reportin"), ("servicepost", "alliance.servicepost")),
                _link("ReportInProject", "alliance_reportin_projects", ("reportin", "alliance.reportin"), ("project", "alliance.project")),
                _link("ProjectResource", "alliance_project_resources", ("project", "alliance.project"), ("resource", "alliance.resource")),
                migrations.AlterField(
                    model_name="reportin",
                    name="posts",
                    field=models.ManyToManyField(blank=True, related_name="report_ins", through="alliance.ReportInPost", to="alliance.servicepost", verbose_name="认领岗位"),
                ),
                migrations.AlterField(
                    model_name="reportin",
                    name="projects",
                    field=models.ManyToManyField(blank=True, related_name="report_ins", through="alliance.ReportInProject", to="alliance.project", verbose_name="认领项目"),
                ),
                migrations.AlterField(
                    model_name="project",
                    name="resources",
                    field=models.ManyToManyField(related_name="projects", through="alliance.ProjectResource", to="alliance.resource", verbose_name="资源"),
                ),
            ]
        ),
        *district_added("reportinpost", table="alliance_reportin_posts", parent_table="alliance_reportin", via="reportin_id"),
        *district_added("reportinproject", table="alliance_reportin_projects", parent_table="alliance_reportin", via="reportin_id"),
        *district_added("projectresource", table="alliance_project_resources", parent_table="alliance_project", via="project_id"),
        *_once("reportinpost", ("reportin", "servicepost"), "report_in_post_once"),
        *_once("reportinproject", ("reportin", "project"), "report_in_project_once"),
        *_once("projectresource", ("project", "resource"), "project_resource_once"),
        *district_added("reportinconfirmation", table="alliance_reportinconfirmation", parent_table="alliance_reportin", via="report_in_id"),
        *district_leads("reportinconfirmation", "one_confirmation_per_year", ("report_in", "year")),
        *district_leads(
            "reportin", "one_active_report_in_per_person", ("person",), models.Q(("status", "active"))
        ),
    ]
