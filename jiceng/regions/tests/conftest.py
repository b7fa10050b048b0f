import shutil

import pytest

from jiceng.demo import DEMO_SOURCE


@pytest.fixture
def source(tmp_path):
    """A copy of the demo district's division tables, to edit in a test."""
    dest = tmp_path / "dist"
    shutil.copytree(DEMO_SOURCE, dest)
    return dest
