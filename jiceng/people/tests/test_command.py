import pytest

from jiceng.people.models import Person
from jiceng.people.tests.factories import csv_bytes, good_rows


def test_the_command_imports_and_lists_bad_rows(personas, regions, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(*good_rows(regions["A1"].code)))
    call_command("import_people", str(good), "--region", regions["A"].code, "--no-progress")
    assert Person.objects.filter(name="张伟").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(f"钱七,未知,,,,{regions['A1'].code},,,,,"))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_people", str(bad), "--region", regions["A"].code, "--no-progress")
