"""Demo charter and convention of the first community of the first subdistrict.

The charter has two versions (the second amends the first); the convention one. Made only when missing.
"""

import datetime as dt

from django.utils import timezone

from jiceng.charters.models import Charter, CharterKind
from jiceng.charters.services import charter_adopt
from jiceng.core.models import User
from jiceng.regions.models import Level, Region

CHARTER_V1 = """第一条 本社区居民在社区党组织领导下，依法实行自我管理、自我服务、自我教育、自我监督。
第二条 居民会议由本社区十八周岁以上的居民或每户派代表参加，讨论决定涉及全体居民利益的重要事项。
第三条 居民委员会向居民会议负责并报告工作。"""

CHARTER_V2 = (
    CHARTER_V1
    + """
第四条 居民参加志愿服务、邻里互助，可按道德银行积分规则获得积分。"""
)

CONVENTION = """一、爱党爱国，遵纪守法。
二、邻里和睦，互帮互助。
三、垃圾分类，爱护环境，不乱堆乱放。
四、文明养犬，出门牵绳，及时清理。
五、孝老爱亲，关爱困难群众。"""


def load_charters_demo(district: Region, progress: bool = False) -> None:
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    community = (
        Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code").first() if sub else None
    )
    actor = User.objects.filter(username="worker").first()
    if community is None or actor is None or Charter.objects.filter(community=community).exists():
        return
    today = timezone.localdate()
    for kind, title, body, days, votes in (
        (CharterKind.CHARTER, "居民自治章程", CHARTER_V1, 700, (86, 80, 2, 4)),
        (CharterKind.CHARTER, "居民自治章程", CHARTER_V2, 60, (92, 85, 3, 4)),
        (CharterKind.CONVENTION, "社区居民公约", CONVENTION, 60, (92, 88, 1, 3)),
    ):
        attendance, votes_for, against, abstain = votes
        charter_adopt(
            community=community,
            kind=kind,
            title=title,
            body=body,
            adopted_on=today - dt.timedelta(days=days),
            attendance=attendance,
            votes_for=votes_for,
            votes_against=against,
            votes_abstain=abstain,
            actor=actor,
        )
