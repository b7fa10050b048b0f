import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are made for every test; a fast hasher keeps that cheap (the test passwords are not secrets)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def worker_pay_line(regions, personas):
    """Subdistrict A's 2026 社区工作者报酬津贴 line, funded: an approved sheet pays out of it."""
    from jiceng.funding import services
    from jiceng.funding.models import BudgetKind

    top = services.budget_set(
        actor=personas["district_admin"],
        region=regions["district"],
        year=2026,
        kind=BudgetKind.WORKER_PAY,
        amount=1_000_000,
    )
    return services.allocation_make(
        actor=personas["district_admin"], source=top, target_region=regions["A"], amount=500_000
    ).target
