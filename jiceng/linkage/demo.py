"""The linkage demo: grids with workers in two communities, and district tasks split down the levels.

One task completes by itself from the alliance's demo symposium (最多报一次), one from the
needs resolved in the demo, and one asks for a number: some recipients reported on time, one
late, and one grid has missed its deadline.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiceng.core.models import Role, RoleGrant, User
from jiceng.demo import DEMO_PASSWORD
from jiceng.linkage.models import Assignment, Evidence
from jiceng.linkage.services import (
    assignment_issue,
    assignment_report,
    assignment_split,
    grid_import,
    household_assign,
)
from jiceng.people.models import Household
from jiceng.regions.models import Level, Region

GRID_LOGIN = ("grid", "13900000005")
GRID_NAMES = ["第一网格", "第二网格", "第三网格"]
WORKER_NAMES = ["周敏", "吴涛", "郑丽", "王强", "冯霞", "陈刚"]


def _grids(communities: list[Region], actor) -> None:
    lines = ["社区代码,网格编号,网格名称,网格员姓名,网格员手机号"]
    phone = 13900000005
    names = iter(WORKER_NAMES)
    for community in communities:
        for i, name in enumerate(GRID_NAMES, start=1):
            lines.append(f"{community.code},{i},{name},{next(names)},{phone}")
            phone += 1
    grid_import(
        data="\n".join(lines).encode("utf-8"),
        filename="demo-grids.csv",
        scope_region=communities[0].parent,
        actor=actor,
    )
    user = User.objects.get(phone=GRID_LOGIN[1])
    user.username = GRID_LOGIN[0]
    user.set_password(DEMO_PASSWORD)
    user.save()
    for community in communities:
        grids = list(Region.objects.filter(parent=community, level=Level.GRID).order_by("code"))
        households = list(Household.objects.filter(community=community).order_by("number", "pk"))
        for i, grid in enumerate(grids):
            mine = households[i :: len(grids)]
            if mine:
                household_assign(households=mine, grid=grid, actor=actor)


def _tasks(
    district: Region, subs: list[Region], a1: Region, a2: Region, district_admin, street, worker
) -> None:
    today = timezone.localdate()
    now = timezone.now()
    assignment_issue(
        region=district,
        recipients=subs,
        title="召开本季度双月座谈会",
        body="各街道党建联盟召开一次双月座谈会，听取成员单位意见建议。会议记入联盟台账即视为完成，不需另行报送。",
        starts_on=today - dt.timedelta(days=60),
        deadline=today + dt.timedelta(days=25),
        evidence=Evidence.SYMPOSIUM,
        may_split=False,
        actor=district_admin,
    )
    needs = assignment_issue(
        region=district,
        recipients=subs[:2],
        title="为群众办实事：每个社区至少解决 1 件居民需求",
        body="从“三张清单”的需求清单中认领并解决居民需求。需求标记为已解决即自动计入，不需另行报送。",
        starts_on=today - dt.timedelta(days=45),
        deadline=today + dt.timedelta(days=10),
        evidence=Evidence.NEED,
        target=1,
        actor=district_admin,
    )
    sub_row = needs.children.get(region=subs[0])
    assignment_split(assignment=sub_row, recipients=[a1, a2], actor=street)
    patrol = assignment_issue(
        region=district,
        recipients=subs[:1],
        title="汛期安全隐患排查",
        body="对辖区老旧院落、地下空间逐栋排查安全隐患，报送已排查的楼栋数（不少于 10 栋）。",
        starts_on=today - dt.timedelta(days=30),
        deadline=today - dt.timedelta(days=3),
        evidence=Evidence.NUMBER,
        target=10,
        actor=district_admin,
    )
    sub_row = patrol.children.get()
    assignment_split(assignment=sub_row, recipients=[a1, a2], actor=street)
    a1_row = sub_row.children.get(region=a1)
    a2_row = sub_row.children.get(region=a2)
    grids = list(Region.objects.filter(parent=a1, level=Level.GRID).order_by("code"))
    assignment_split(assignment=a1_row, recipients=grids, actor=worker)
    rows = {r.region_id: r for r in a1_row.children.all()}
    for grid, number in zip(grids[:2], (14, 12), strict=True):
        grid_user = RoleGrant.objects.filter(role=Role.GRID_WORKER, region=grid).first().user
        assignment_report(
            assignment=rows[grid.pk],
            actor=grid_user,
            number=number,
            note="已逐栋排查，发现隐患已登记整改。",
            now=now - dt.timedelta(days=6),
        )
    # the community's own task for its grids, still open for the demo grid worker
    assignment_issue(
        region=a1,
        recipients=grids,
        title="走访独居老人",
        body="每个网格走访辖区独居老人，登记需求，报送走访户数（不少于 5 户）。",
        starts_on=today - dt.timedelta(days=5),
        deadline=today + dt.timedelta(days=9),
        evidence=Evidence.NUMBER,
        target=5,
        actor=worker,
    )
    # the third grid has missed the deadline; the second community reported, but late
    assignment_report(
        assignment=a2_row,
        actor=street,
        number=11,
        note="补报：已排查 11 栋。",
        now=now - dt.timedelta(days=1),
    )


def load_linkage_demo(district: Region, progress: bool = False) -> list[tuple[str, str, str]]:
    subs = list(Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code"))
    if not subs:
        return []
    communities = list(Region.objects.filter(parent=subs[0], level=Level.COMMUNITY).order_by("code"))[:2]
    district_admin = User.objects.filter(username="district").first()
    street = User.objects.filter(username="street").first()
    worker = User.objects.filter(username="worker").first()
    if len(communities) < 2 or not (district_admin and street and worker):
        return []
    with transaction.atomic():
        if not Region.objects.filter(parent=communities[0], level=Level.GRID).exists():
            _grids(communities, district_admin)
        if not Assignment.objects.filter(district=district).exists():
            _tasks(district, subs, communities[0], communities[1], district_admin, street, worker)
    return [(str(Role.GRID_WORKER.label), f"{GRID_LOGIN[0]} / {GRID_LOGIN[1]}", DEMO_PASSWORD)]
