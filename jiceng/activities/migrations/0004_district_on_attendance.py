"""Sign-ups and check-ins carry the district of the person, and their unique constraints include it.

A sign-up or check-in lives with the resident it records (co-located with people on Citus;
jiceng/tests/test_citus_ready.py); the activity itself is a reference table.
"""

from django.db import migrations, models

from jiceng.core.migrating import district_added, district_leads


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_activity_service_place"), ("people", "0002_birth_year_only")]

    operations = [
        *district_added("signup", table="activities_signup", parent_table="people_person", via="person_id"),
        *district_added("checkin", table="activities_checkin", parent_table="people_person", via="person_id"),
        *district_leads(
            "signup", "one_signup_per_person", ("activity", "person"), models.Q(("cancelled_at__isnull", True))
        ),
        *district_leads("checkin", "one_checkin_per_person", ("activity", "person")),
    ]
