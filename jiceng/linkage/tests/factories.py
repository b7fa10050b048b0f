"""Small builders for linkage tests, on the demo district's real regions and the fixed personas."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import make_user
from jiceng.core.models import Role
from jiceng.linkage import services
from jiceng.linkage.models import Evidence
from jiceng.regions.models import Level, Region


def grid(community: Region, number: int = 1, name: str | None = None) -> Region:
    return Region.objects.create(
        code=community.code + f"{number:03d}",
        name=name or f"{community.name}第{number}网格",
        level=Level.GRID,
        parent=community,
    )


def grid_worker(grid_region: Region, username: str):
    return make_user(username, Role.GRID_WORKER, region=grid_region)


def issue(region, recipients, actor, *, evidence=Evidence.NUMBER, target=1, days=7, start_days=-10, **kw):
    today = timezone.localdate()
    return services.assignment_issue(
        region=region,
        recipients=recipients,
        title=kw.pop("title", "安全排查"),
        body=kw.pop("body", "逐栋排查"),
        starts_on=today + dt.timedelta(days=start_days),
        deadline=today + dt.timedelta(days=days),
        evidence=evidence,
        target=target,
        actor=actor,
        **kw,
    )


def pdf(name="材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")
