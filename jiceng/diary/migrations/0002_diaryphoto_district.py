"""A diary photo carries its entry's district, so that it can be distributed by district on Citus."""

from django.db import migrations

from jiceng.core.migrating import district_added


class Migration(migrations.Migration):
    dependencies = [("diary", "0001_initial"), ("regions", "0001_initial")]

    operations = district_added("diaryphoto", table="diary_diaryphoto", parent_table="diary_diaryentry", via="entry_id")
