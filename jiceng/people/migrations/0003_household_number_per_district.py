"""A household's number is unique per community within its district (the district leads the key).

So that the table can be distributed by district on Citus (jiceng/tests/test_citus_ready.py).
"""

from django.db import migrations

from jiceng.core.migrating import district_leads


class Migration(migrations.Migration):
    dependencies = [("people", "0002_birth_year_only")]

    operations = district_leads("household", "household_number_per_community", ("community", "number"))
