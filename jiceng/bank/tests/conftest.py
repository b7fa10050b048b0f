import pytest

from jiceng.bank.tests.factories import rules_seeded


@pytest.fixture
def rules(regions):
    return rules_seeded(regions["district"])
